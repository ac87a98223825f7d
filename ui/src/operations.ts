// Every GraphQL operation the UI sends, typed by GraphQL Code Generator from ../schema.graphql.
import { graphql } from "./gql";

// The natural key and what lists show, for any catalog node.
export const NodeFields = graphql(`
  fragment NodeFields on CatalogNode {
    __typename
    ... on Team { id name description }
    ... on Dataset { id namespace name description ownerName }
    ... on DatasetVersion { id namespace name version quarantined }
    ... on Feature { id group name description ownerName }
    ... on Job { id namespace name description ownerName }
    ... on Run { id runId jobName state }
    ... on Model { id name description ownerName }
    ... on ModelVersion { id modelName version stage quarantined }
    ... on Deployment { id environment name status }
  }
`);

export const MeQuery = graphql(`
  query Me { me { name roles teams permissions } }
`);

export const SearchQuery = graphql(`
  query Search($text: String!, $kinds: [CatalogKind!], $first: Int!) {
    search(text: $text, kinds: $kinds, first: $first) {
      score
      node {
        ...NodeFields
        ... on DatasetVersion { dataset { ownerName description } }
        ... on ModelVersion { description model { ownerName } }
        ... on Run { job { ownerName description } }
        ... on Dataset { versions { id version quarantined createdAt } }
        ... on Deployment { modelVersion { modelName version model { ownerName description } } }
      }
    }
  }
`);

export const LineageQuery = graphql(`
  query Lineage($of: LineageStartInput!, $direction: Direction!, $depth: Int!, $asOf: DateTime) {
    lineage(of: $of, direction: $direction, depth: $depth, asOf: $asOf) {
      complete
      cutReasons
      nodes {
        depth
        node {
          ...NodeFields
          ... on Deployment { health(recent: 0) { state firingCount } }
          ... on ModelVersion { health(recent: 0) { state firingCount } }
        }
      }
      edges { source type target }
    }
  }
`);

export const ImpactQuery = graphql(`
  query Impact($of: ImpactStartInput!, $createdAfter: DateTime, $createdBefore: DateTime, $asOf: DateTime,
               $environment: Environment, $first: Int!) {
    impact(of: $of, createdAfter: $createdAfter, createdBefore: $createdBefore, asOf: $asOf,
           environment: $environment, first: $first) {
      complete
      cutReasons
      startCount
      totalCount
      hasNextPage
      counts { kind count }
      owners { name description }
      items {
        kind
        depth
        node {
          ...NodeFields
          ... on Deployment { modelVersion { modelName version } health(recent: 0) { state firingCount } }
          ... on ModelVersion { health(recent: 0) { state firingCount } }
        }
        path { nodes { kind id name } edges }
      }
    }
  }
`);

// Health (issue #14): the state, the firing count and the newest signals, each with its incident.
const HealthFields = graphql(`
  fragment HealthFields on Health {
    state firingCount signalCount
    recentSignals {
      id metric severity status source value threshold startsAt endsAt recordedAt recordedBy serving summary
      incident { id status reason }
    }
  }
`);
void HealthFields;

// An artifact verification: what the service read from the store against the recorded digest.
const VerificationFields = graphql(`
  fragment VerificationFields on ArtifactVerification {
    id outcome verifiedAt verifiedBy uri expectedDigest actualDigest detail form fileCount bytes
  }
`);
void VerificationFields;

// What a dataset or model version's page shows of its verifications: the last and the ten newest.
const VerifiedArtifactFields = graphql(`
  fragment VerifiedArtifactFields on VerifiedArtifact {
    lastVerification { ...VerificationFields }
    verifications(first: 10) { ...VerificationFields }
  }
`);
void VerifiedArtifactFields;

const RecordFields = graphql(`
  fragment RecordFields on Record { id createdAt updatedAt createdBy updatedBy }
`);
void RecordFields;

export const DatasetPage = graphql(`
  query DatasetPage($id: ID!) {
    dataset(id: $id) {
      ...RecordFields namespace name description tags license privacy ownerName owner { name description }
      schema { name type }
      versions { id version digest rowCount createdAt quarantined }
    }
  }
`);

export const DatasetVersionPage = graphql(`
  query DatasetVersionPage($id: ID!) {
    datasetVersion(id: $id) {
      ...RecordFields namespace name version digest rowCount description quarantined
      dataset { id ownerName owner { name description } license privacy versions { id version createdAt quarantined } }
      producedBy { id runId jobName state endedAt }
      ...VerifiedArtifactFields
    }
  }
`);

export const FeaturePage = graphql(`
  query FeaturePage($id: ID!) {
    feature(id: $id) {
      ...RecordFields group name description tags dtype transformation ownerName owner { name description }
      derivedFrom { __typename ... on Dataset { id namespace name } ... on DatasetVersion { id namespace name version } }
    }
  }
`);

export const JobPage = graphql(`
  query JobPage($id: ID!) {
    job(id: $id) {
      ...RecordFields namespace name description tags ownerName owner { name description }
      runs { id runId state startedAt endedAt }
    }
  }
`);

export const RunPage = graphql(`
  query RunPage($id: ID!) {
    run(id: $id) {
      ...RecordFields runId jobNamespace jobName state startedAt endedAt codeRepository codeCommit
      parameters { name value }
      job { id ownerName owner { name description } }
      inputs { ...LineageAssetFields }
      outputs { ...LineageAssetFields }
    }
  }
  fragment LineageAssetFields on LineageAsset {
    __typename
    ... on DatasetVersion { id namespace name version quarantined }
    ... on Feature { id group name }
    ... on ModelVersion { id modelName version stage quarantined }
  }
`);

export const ModelPage = graphql(`
  query ModelPage($id: ID!) {
    model(id: $id) {
      ...RecordFields name description tags riskTier ownerName owner { name description }
      versions { id version stage quarantined createdAt framework license }
    }
  }
`);

export const ModelVersionPage = graphql(`
  query ModelVersionPage($id: ID!) {
    modelVersion(id: $id) {
      ...RecordFields modelName version artifactUri artifactDigest framework license stage complianceFlags
      quarantined description tags aliases
      model { id ownerName owner { name description } riskTier versions { id version stage quarantined } }
      producedBy { id runId jobName state endedAt }
      derivedFrom { id modelName version }
      metrics { metric value datasetVersion { id namespace name version } }
      deployments { id environment name status since health(recent: 0) { state firingCount } }
      stageHistory { stage since until by }
      health(recent: 10) { ...HealthFields }
      ...VerifiedArtifactFields
    }
  }
`);

export const DeploymentPage = graphql(`
  query DeploymentPage($id: ID!) {
    deployment(id: $id) {
      ...RecordFields environment name endpoint status since
      modelVersion { id modelName version stage quarantined model { ownerName owner { name description } } }
      servingHistory {
        since until by rollback rollbackReason breakGlass { reason by overrode }
        modelVersion { id modelName version }
      }
      health(recent: 10) { ...HealthFields }
    }
  }
`);

export const TeamPage = graphql(`
  query TeamPage($id: ID!) {
    team(id: $id) { ...RecordFields name description }
  }
`);

export const AuditTrailQuery = graphql(`
  query AuditTrail($id: ID!) {
    auditTrail(of: { id: $id }, first: 50) {
      edges { node { seq at actor action outcome targetKind targetKey } }
    }
  }
`);

export const GateQuery = graphql(`
  query Gate($model: String!, $version: String!, $stage: Stage!) {
    gateStatus(modelVersion: { model: $model, version: $version }, stage: $stage) {
      allowed stage currentStage riskTier
      unmet { kind message dataset license privacyClass check status metric min max value have need stage node outcome expectedDigest actualDigest }
      checks { kind status evidenceUri note recordedBy recordedAt }
      approvals { approver roles stage note approvedAt }
    }
  }
`);

export const IncidentsQuery = graphql(`
  query Incidents($status: IncidentStatus) {
    incidents(status: $status, first: 50) {
      nodes { ...IncidentFields }
    }
  }
`);

export const IncidentFields = graphql(`
  fragment IncidentFields on Incident {
    id reason status startKind startKey windowFrom windowTo openedAt openedBy releasedAt releasedBy releaseNote
    counts { kind count }
    affected(first: 1) { totalCount }
    rollbacks {
      rolledBack rolledBackAt rolledBackBy servesAffectedVersion
      deployment { id environment name modelVersion { modelName version } }
      rolledBackFrom { modelName version }
      rolledBackTo { modelName version }
    }
  }
`);

export const QuarantineMutation = graphql(`
  mutation Quarantine($input: QuarantineInput!) {
    quarantine(input: $input) {
      __typename
      ... on Quarantine { created flaggedCount incident { ...IncidentFields } }
      ... on UserError { code message }
      ... on InvalidInputError { field }
    }
  }
`);

export const RollbackMutation = graphql(`
  mutation Rollback($input: RollbackDeploymentInput!) {
    rollbackDeployment(input: $input) {
      __typename
      ... on DeploymentRolledBack {
        changed
        deployment { id environment name modelVersion { modelName version } }
        rolledBackFrom { modelName version }
      }
      ... on DeploymentRefused {
        code message
        unmet { kind message }
        candidates { modelVersion { modelName version } lastServed unmet { kind message } }
      }
      ... on UserError { code message }
    }
  }
`);

export const ReleaseMutation = graphql(`
  mutation Release($input: ReleaseQuarantineInput!) {
    releaseQuarantine(input: $input) {
      __typename
      ... on UserError { code message }
    }
  }
`);
