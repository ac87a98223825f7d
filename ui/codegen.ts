// Typed operations from the service's exported SDL (../schema.graphql, kept in sync with the code by
// tests/test_schema_file.py). Generated at build and before the unit tests into src/gql/ (ignored by
// git): `npm run build` and `npm test` both run this first, so the types can never be stale.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../schema.graphql",
  documents: ["src/**/*.{ts,tsx}", "!src/gql/**/*"],
  ignoreNoDocuments: false,
  generates: {
    "src/gql/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        // Documents as strings (TypedDocumentString): the client posts them as they are, no
        // GraphQL runtime in the bundle.
        documentMode: "string",
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { DateTime: "string", JSON: "unknown" },
        namingConvention: { typeNames: "./codegen-names.cjs", enumValues: "keep" },
      },
    },
  },
};

export default config;
