// Type names as the schema spells them, except the schema's `Record` interface, which would shadow
// TypeScript's own Record<K, V> in the generated module.
module.exports = (name) => (name === "Record" ? "RegistryRecord" : name);
