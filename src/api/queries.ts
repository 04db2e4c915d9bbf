/**
 * Every GraphQL document wbx sends to a W&B server, as named operations.
 *
 * The text of each document is the one the official SDK (wandb 0.31.0, or wandb-core's Go client
 * for the operations Python hands to it) sends, so every field and argument is one the real
 * server is known to accept. Each operation names the SDK file and function it was taken from.
 *
 * @module
 */

/** A named GraphQL operation: the operation name and the exact document text sent on the wire. */
export interface GraphqlOperation {
  /** The operation's name, as written after `query`/`mutation` in the document. */
  readonly name: string
  /** The full document text, fragments included. */
  readonly document: string
}

/** Builds an operation record (internal helper so every export has the same shape). */
function op(name: string, document: string): GraphqlOperation {
  return Object.freeze({ name, document })
}

// ---------------------------------------------------------------------------------------------
// Run fragments and single-run queries
// ---------------------------------------------------------------------------------------------

/**
 * The fields of the SDK's run fragments, in its order; `*` marks the four the lightweight
 * fragment leaves out. SDK: wandb/apis/public/runs.py `RUN_FRAGMENT`, `LIGHTWEIGHT_RUN_FRAGMENT`.
 */
const RUN_FRAGMENT_FIELDS: readonly string[] = (
  'id tags name displayName sweepName state *config group jobType commit readOnly createdAt ' +
  'heartbeatAt description notes *systemMetrics *summaryMetrics historyLineCount user *historyKeys'
).split(' ')

/** Renders a run fragment as the SDK writes it; `full: false` leaves out the `*` fields. */
function runFragment(name: string, full: boolean): string {
  const lines = RUN_FRAGMENT_FIELDS.filter((f) => full || !f.startsWith('*')).map((f) =>
    f === 'user'
      ? '    user {\n        name\n        username\n    }\n'
      : `    ${f.replace('*', '')}\n`
  )
  return `fragment ${name} on Run {\n${lines.join('')}}`
}

/** The full run fragment. SDK: wandb/apis/public/runs.py `RUN_FRAGMENT`. */
export const RUN_FRAGMENT: string = runFragment('RunFragment', true)

/**
 * The listing fragment without `config`, `systemMetrics`, `summaryMetrics`, `historyKeys`.
 * SDK: wandb/apis/public/runs.py `LIGHTWEIGHT_RUN_FRAGMENT`.
 */
export const LIGHTWEIGHT_RUN_FRAGMENT: string = runFragment('LightweightRunFragment', false)

/** Renders the single-run query for one fragment. SDK: runs.py `Run._load_with_fragment`. */
function runQuery(fragmentName: string, fragment: string): string {
  return `#graphql
        query Run($project: String!, $entity: String!, $name: String!) {
            project(name: $project, entityName: $entity) {
                run(name: $name) {
                    projectId
                    ...${fragmentName}
                }
            }
        }
        ${fragment}
        `
}

/** One run with the full fragment. Variables `{entity, project, name}`. SDK: runs.py `Run._load_with_fragment` (RUN_FRAGMENT). */
export const RUN_FULL_QUERY: GraphqlOperation = op('Run', runQuery('RunFragment', RUN_FRAGMENT))

/** One run with the lightweight fragment. SDK: runs.py `Run._load_with_fragment` (LIGHTWEIGHT_RUN_FRAGMENT). */
export const RUN_LAZY_QUERY: GraphqlOperation = op(
  'Run',
  runQuery('LightweightRunFragment', LIGHTWEIGHT_RUN_FRAGMENT),
)

/** A run's state only. Variables `{entity, project, name}`. SDK: runs.py `Run.wait_until_finished`. */
export const RUN_STATE_QUERY: GraphqlOperation = op(
  'RunState',
  `
            query RunState($project: String!, $entity: String!, $name: String!) {
                project(name: $project, entityName: $entity) {
                    run(name: $name) {
                        state
                    }
                }
            }
        `,
)

/** A run's `historyKeys` (for `lastHistoryStep`). Variables `{entity, project, name}`. SDK: runs.py `Run.lastHistoryStep`. */
export const RUN_HISTORY_KEYS_QUERY: GraphqlOperation = op(
  'RunHistoryKeys',
  `
        query RunHistoryKeys($project: String!, $entity: String!, $name: String!) {
            project(name: $project, entityName: $entity) {
                run(name: $name) { historyKeys }
            }
        }
        `,
)

// ---------------------------------------------------------------------------------------------
// Runs listing
// ---------------------------------------------------------------------------------------------

/** Renders the runs listing query. SDK: runs.py `_create_runs_query`. */
function runsQuery(fragmentName: string, fragment: string): string {
  return `#graphql
        query Runs($project: String!, $entity: String!, $cursor: String, $perPage: Int = 50, $order: String, $filters: JSONString) {
            project(name: $project, entityName: $entity) {
                internalId
                runCount(filters: $filters)
                readOnly
                runs(filters: $filters, after: $cursor, first: $perPage, order: $order) {
                    edges {
                        node {
                            projectId
                            ...${fragmentName}
                        }
                        cursor
                    }
                    pageInfo {
                        endCursor
                        hasNextPage
                    }
                }
            }
        }
        ${fragment}
        `
}

/**
 * A page of runs with the lightweight fragment. Variables `{entity, project, cursor, perPage,
 * order, filters}` (filters is a JSON string). SDK: runs.py `_create_runs_query(lazy=True)`.
 */
export const RUNS_LAZY_QUERY: GraphqlOperation = op(
  'Runs',
  runsQuery('LightweightRunFragment', LIGHTWEIGHT_RUN_FRAGMENT),
)

/** A page of runs with the full fragment. SDK: runs.py `_create_runs_query(lazy=False)`. */
export const RUNS_FULL_QUERY: GraphqlOperation = op('Runs', runsQuery('RunFragment', RUN_FRAGMENT))

// ---------------------------------------------------------------------------------------------
// Viewer, default entity, server features
// ---------------------------------------------------------------------------------------------

/** The viewer's id and default entity. SDK: wandb/apis/_generated/operations.py `GET_DEFAULT_ENTITY_GQL` (`Api.default_entity`). */
export const GET_DEFAULT_ENTITY_QUERY: GraphqlOperation = op(
  'GetDefaultEntity',
  `
query GetDefaultEntity {
  viewer {
    id
    entity
  }
}
`,
)

/** The viewer with API keys and teams. SDK: wandb/apis/_generated/operations.py `GET_VIEWER_GQL` (`Api.viewer`). */
export const GET_VIEWER_QUERY: GraphqlOperation = op(
  'GetViewer',
  `
query GetViewer {
  viewer {
    ...UserFragment
  }
}

fragment ApiKeyFragment on ApiKey {
  id
  name
  description
}

fragment UserFragment on User {
  id
  name
  username
  email
  admin
  flags
  entity
  deletedAt
  apiKeys {
    edges {
      node {
        ...ApiKeyFragment
      }
    }
  }
  teams {
    edges {
      node {
        name
      }
    }
  }
}
`,
)

/** The credential check run at `Api()` construction. SDK: wandb-core core/api/graphql/query_viewer.graphql (`ServiceApi.authenticate`). */
export const VIEWER_QUERY: GraphqlOperation = op(
  'Viewer',
  `query Viewer{
    viewer {
        id
        entity
        username
        email
        flags
        teams {
            edges {
                node {
                    name
                }
            }
        }
    }
}
`,
)

/** Enabled server features. SDK: wandb-core core/api/graphql/query_server_features.graphql (`ServiceApi.feature_enabled`). */
export const SERVER_FEATURES_QUERY: GraphqlOperation = op(
  'ServerFeaturesQuery',
  `query ServerFeaturesQuery {
  serverInfo {
    features {
      name
      isEnabled
    }
  }
}
`,
)

// ---------------------------------------------------------------------------------------------
// History (sampled, paged, Parquet exports)
// ---------------------------------------------------------------------------------------------

/**
 * Sampled rows for chosen keys. Variables `{entity, project, name, specs: [JSON string of
 * {keys: [xAxis, ...keys], samples}]}`. SDK: runs.py `Run._sampled_history`.
 */
export const RUN_SAMPLED_HISTORY_QUERY: GraphqlOperation = op(
  'RunSampledHistory',
  `
        query RunSampledHistory($project: String!, $entity: String!, $name: String!, $specs: [JSONString!]!) {
            project(name: $project, entityName: $entity) {
                run(name: $name) { sampledHistory(specs: $specs) }
            }
        }
        `,
)

/** Renders the full-history query for `history` or `events`. SDK: runs.py `Run._full_history`. */
function fullHistoryQuery(node: 'history' | 'events'): string {
  return `
        query RunFullHistory($project: String!, $entity: String!, $name: String!, $samples: Int) {
            project(name: $project, entityName: $entity) {
                run(name: $name) { ${node}(samples: $samples) }
            }
        }
        `
}

/** Sampled history rows as JSON strings. Variables `{entity, project, name, samples}`. SDK: runs.py `Run._full_history(stream="default")`. */
export const RUN_FULL_HISTORY_QUERY: GraphqlOperation = op(
  'RunFullHistory',
  fullHistoryQuery('history'),
)

/** Sampled system-metric rows as JSON strings. SDK: runs.py `Run._full_history(stream="system")`. */
export const RUN_FULL_EVENTS_QUERY: GraphqlOperation = op(
  'RunFullHistory',
  fullHistoryQuery('events'),
)

/**
 * One page of unsampled history rows in `[minStep, maxStep)`. Variables `{entity, project, run,
 * minStep, maxStep, pageSize}`. SDK: wandb-core core/api/graphql/query_runhistory_backend.graphql
 * (`HistoryPage`, runhistoryreader/livedata.go); legacy wandb 0.26 apis/public/history.py `HistoryScan`.
 */
export const HISTORY_PAGE_QUERY: GraphqlOperation = op(
  'HistoryPage',
  `query HistoryPage($entity: String!, $project: String!, $run: String!, $minStep: Int64!, $maxStep: Int64!, $pageSize: Int!) {
    project(name: $project, entityName: $entity) {
        run(name: $run) {
            history(minStep: $minStep, maxStep: $maxStep, samples: $pageSize)
        }
    }
}
`,
)

/**
 * One page of rows for chosen keys. Variables `{entity, project, run, spec: JSON string of
 * {keys, minStep, maxStep (inclusive), samples}}`. SDK: wandb-core
 * core/api/graphql/query_runhistory_backend_keys.graphql (`SampledHistoryPage`); legacy wandb 0.26
 * apis/public/history.py `SampledHistoryScan`.
 */
export const SAMPLED_HISTORY_PAGE_QUERY: GraphqlOperation = op(
  'SampledHistoryPage',
  `query SampledHistoryPage($entity: String!, $project: String!, $run: String!, $spec: JSONString!) {
    project(name: $project, entityName: $entity) {
        run(name: $run) {
            sampledHistory(specs: [$spec])
        }
    }
}
`,
)

/**
 * Signed URLs of the run's Parquet history exports plus the not-yet-exported rows. Variables
 * `{entity, project, runName, liveKeys}`. SDK: wandb-core core/api/graphql/query_parquethistory.graphql
 * (`RunParquetHistory`, runhistoryreader/parquet/downloader.go).
 */
export const RUN_PARQUET_HISTORY_QUERY: GraphqlOperation = op(
  'RunParquetHistory',
  `query RunParquetHistory(
    $entity: String!,
    $project: String!,
    $runName: String!,
    $liveKeys: [String!]!
) {
    project(name: $project, entityName: $entity) {
        run(name: $runName) {
            parquetHistory(liveKeys: $liveKeys) {
                parquetUrls
                liveData
            }
        }
    }
}
`,
)

// ---------------------------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------------------------

/** The run files fragment. SDK: wandb/apis/public/files.py `FILE_FRAGMENT`. */
export const RUN_FILES_FRAGMENT: string = `fragment RunFilesFragment on Run {
    files(names: $fileNames, after: $fileCursor, first: $fileLimit, pattern: $pattern) {
        edges {
            node {
                id
                name
                url(upload: $upload)
                directUrl
                sizeBytes
                mimetype
                updatedAt
                md5
            }
            cursor
        }
        pageInfo {
            endCursor
            hasNextPage
        }
    }
}`

/**
 * A page of a run's files. Variables `{entity, project, name, fileNames, upload: false, pattern,
 * fileLimit, fileCursor}`; the cursor is the last edge's. SDK: files.py `Files._get_query`.
 */
export const RUN_FILES_QUERY: GraphqlOperation = op(
  'RunFiles',
  `#graphql
            query RunFiles($project: String!, $entity: String!, $name: String!, $fileCursor: String,
                $fileLimit: Int = 50, $fileNames: [String] = [], $upload: Boolean = false, $pattern: String) {
                project(name: $project, entityName: $entity) {
                    internalId
                    run(name: $name) {
                        fileCount
                        ...RunFilesFragment
                    }
                }
            }
            ${RUN_FILES_FRAGMENT}
            `,
)

// ---------------------------------------------------------------------------------------------
// Artifacts
// ---------------------------------------------------------------------------------------------

/**
 * The artifact fragments shared by the run artifact queries, as sent when the server lacks the
 * `ARTIFACT_DIGEST_ALGORITHM` feature (the SDK then omits `digestAlgorithm`).
 * SDK: wandb/sdk/artifacts/_generated/operations.py `RUN_OUTPUT_ARTIFACTS_GQL` with
 * `_gqlutils.omit_artifact_fields`.
 */
const ARTIFACT_FRAGMENTS = `fragment ArtifactAliasFragment on ArtifactAlias {
  __typename
  id
  alias
}

fragment ArtifactFragment on Artifact {
  __typename
  id
  artifactSequence {
    ...SourceCollectionInfoFragment
  }
  versionIndex
  artifactType {
    name
  }
  description
  metadata
  ttlDurationSeconds
  ttlIsInherited
  tags {
    ...TagFragment
  }
  historyStep
  state
  size
  digest
  commitHash
  fileCount
  createdAt
  updatedAt
  aliases @include(if: $includeAliases) {
    artifactCollection {
      ...CollectionInfoFragment
    }
    ...ArtifactAliasFragment
  }
}

fragment CollectionInfoFragment on ArtifactCollection {
  __typename
  name
  project {
    ...ProjectInfoFragment
  }
}

fragment PageInfoFragment on PageInfo {
  __typename
  endCursor
  hasNextPage
}

fragment ProjectInfoFragment on Project {
  id
  internalId
  name
  entity {
    name
  }
}

fragment SourceCollectionInfoFragment on ArtifactSequence {
  __typename
  name
  project {
    ...ProjectInfoFragment
  }
}

fragment TagFragment on Tag {
  __typename
  id
  name
}
`

/** Renders a run artifacts query for `outputArtifacts` or `inputArtifacts`. */
function runArtifactsQuery(name: string, field: string): string {
  return `
query ${name}($entity: String!, $project: String!, $run: String!, $cursor: String, $perPage: Int, $includeAliases: Boolean = true) {
  project(entityName: $entity, name: $project) {
    run(name: $run) {
      artifacts: ${field}(after: $cursor, first: $perPage) {
        totalCount
        pageInfo {
          ...PageInfoFragment
        }
        edges {
          node {
            ...ArtifactFragment
          }
        }
      }
    }
  }
}

${ARTIFACT_FRAGMENTS}`
}

/**
 * A page of the artifacts a run logged. Variables `{entity, project, run, cursor, perPage}`; the
 * cursor is `pageInfo.endCursor`. SDK: artifacts/_generated/operations.py `RUN_OUTPUT_ARTIFACTS_GQL`
 * (apis/public/artifacts.py `RunArtifacts`, mode "logged").
 */
export const RUN_OUTPUT_ARTIFACTS_QUERY: GraphqlOperation = op(
  'RunOutputArtifacts',
  runArtifactsQuery('RunOutputArtifacts', 'outputArtifacts'),
)

/** A page of the artifacts a run used. SDK: artifacts/_generated/operations.py `RUN_INPUT_ARTIFACTS_GQL` (mode "used"). */
export const RUN_INPUT_ARTIFACTS_QUERY: GraphqlOperation = op(
  'RunInputArtifacts',
  runArtifactsQuery('RunInputArtifacts', 'inputArtifacts'),
)

/** The signed URL of an artifact's manifest JSON. Variables `{id}`. SDK: artifacts/_generated/operations.py `FETCH_ARTIFACT_MANIFEST_GQL` (`Artifact._fetch_manifest`). */
export const FETCH_ARTIFACT_MANIFEST_QUERY: GraphqlOperation = op(
  'FetchArtifactManifest',
  `
query FetchArtifactManifest($id: ID!) {
  artifact(id: $id) {
    currentManifest {
      ...DeferredManifestFragment
    }
  }
}

fragment DeferredManifestFragment on ArtifactManifest {
  file {
    directUrl
  }
}
`,
)

/**
 * A page of an artifact version's files with signed download URLs. Variables `{entity, project,
 * collection, alias: "v<N>", cursor, perPage}`. SDK: artifacts/_generated/operations.py
 * `GET_ARTIFACT_MEMBERSHIP_FILE_URLS_GQL` (`Artifact._fetch_file_urls`).
 */
export const GET_ARTIFACT_MEMBERSHIP_FILE_URLS_QUERY: GraphqlOperation = op(
  'GetArtifactMembershipFileUrls',
  `
query GetArtifactMembershipFileUrls($entity: String!, $project: String!, $collection: String!, $alias: String!, $cursor: String, $perPage: Int) {
  project(name: $project, entityName: $entity) {
    artifactCollection(name: $collection) {
      __typename
      artifactMembership(aliasName: $alias) {
        files(after: $cursor, first: $perPage) {
          pageInfo {
            ...PageInfoFragment
          }
          edges {
            node {
              ...FileWithUrlFragment
            }
          }
        }
      }
    }
  }
}

fragment FileWithUrlFragment on File {
  __typename
  name
  directUrl
}

fragment PageInfoFragment on PageInfo {
  __typename
  endCursor
  hasNextPage
}
`,
)

// ---------------------------------------------------------------------------------------------
// Console logs
// ---------------------------------------------------------------------------------------------

/**
 * The `logLines` edges both console-log queries select, tab-indented at their depth in the
 * wandb-core .graphql file (query_run_console_logs.graphql).
 */
const LOG_LINE_EDGES = `edges {
					node {
						number
						timestamp
						level
						label
						line
					}
				}`

/** The last N console lines. Variables `{entity, project, runName, last}`. SDK: wandb-core core/api/graphql/query_run_console_logs.graphql (`RunConsoleLogTail`). */
export const RUN_CONSOLE_LOG_TAIL_QUERY: GraphqlOperation = op(
  'RunConsoleLogTail',
  `query RunConsoleLogTail ($entity: String!, $project: String!, $runName: String!, $last: Int!) {
	project(name: $project, entityName: $entity) {
		run(name: $runName) {
			logLineCount
			logLines(last: $last) {
				${LOG_LINE_EDGES}
			}
		}
	}
}`,
)

/** A forward page of console lines. Variables `{entity, project, runName, first, after}`. SDK: wandb-core core/api/graphql/query_run_console_logs.graphql (`RunConsoleLogPage`). */
export const RUN_CONSOLE_LOG_PAGE_QUERY: GraphqlOperation = op(
  'RunConsoleLogPage',
  `query RunConsoleLogPage ($entity: String!, $project: String!, $runName: String!, $first: Int, $after: String) {
	project(name: $project, entityName: $entity) {
		run(name: $runName) {
			logLineCount
			logLines(first: $first, after: $after, useImprovedPagination: true) {
				${LOG_LINE_EDGES}
				pageInfo {
					endCursor
					hasNextPage
				}
			}
		}
	}
}`,
)

// ---------------------------------------------------------------------------------------------
// Write side
// ---------------------------------------------------------------------------------------------

/**
 * Writes any subset of a run's fields: a declared variable left out of the request leaves its
 * field unchanged (wandb-core's run upserter sends config-only and tags-only upserts this way).
 * `run.update()` sends `{id}` plus only the fields that changed. Variables `{id, name, project,
 * entity, groupName, description, displayName, notes, commit, config, host, debug, program, repo,
 * jobType, state, sweep, tags, summaryMetrics}`, all optional. SDK: wandb-core
 * core/api/graphql/mutation_run.graphql (`gql.UpsertBucket`, runupserter), text as embedded in the
 * wandb-core 0.31.0 binary.
 */
export const UPSERT_BUCKET_MUTATION: GraphqlOperation = op(
  'UpsertBucket',
  `mutation UpsertBucket ($id: String, $name: String, $project: String, $entity: String, $groupName: String, $description: String, $displayName: String, $notes: String, $commit: String, $config: JSONString, $host: String, $debug: Boolean, $program: String, $repo: String, $jobType: String, $state: String, $sweep: String, $tags: [String!], $summaryMetrics: JSONString) {
	upsertBucket(input: {id:$id,name:$name,groupName:$groupName,modelName:$project,entityName:$entity,description:$description,displayName:$displayName,notes:$notes,config:$config,commit:$commit,host:$host,debug:$debug,jobProgram:$program,jobRepo:$repo,jobType:$jobType,state:$state,sweep:$sweep,tags:$tags,summaryMetrics:$summaryMetrics}) {
		bucket {
			id
			name
			displayName
			description
			config
			sweepName
			project {
				id
				name
				entity {
					id
					name
				}
			}
			historyLineCount
		}
		inserted
	}
}
`,
)

/**
 * Persists tags, notes, display name, config, group and job type. Variables `{id, description,
 * display_name, notes, tags, config (JSON string), groupName, jobType}` plus `{entity, project,
 * name}`. SDK: runs.py `Run.update`. wbx sends {@link UPSERT_BUCKET_MUTATION} instead: this
 * document declares `$config: JSONString!`, so it always rewrites the whole config.
 */
export const UPSERT_BUCKET_UPDATE_MUTATION: GraphqlOperation = op(
  'UpsertBucket',
  `
        mutation UpsertBucket($id: String!, $description: String, $display_name: String, $notes: String, $tags: [String!], $config: JSONString!, $groupName: String, $jobType: String) {
            upsertBucket(input: {id: $id, description: $description, displayName: $display_name, notes: $notes, tags: $tags, config: $config, groupName: $groupName, jobType: $jobType}) {
                bucket {
                    ...RunFragment
                }
            }
        }
        ${RUN_FRAGMENT}
        `,
)

/**
 * Replaces the whole summary. Variables `{id, summaryMetrics (JSON string)}`. SDK:
 * apis/public/summary.py `HTTPSummary._write`. wbx writes the summary through
 * {@link UPSERT_BUCKET_MUTATION} together with the other changed fields.
 */
export const UPSERT_BUCKET_SUMMARY_MUTATION: GraphqlOperation = op(
  'UpsertBucket',
  `
        mutation UpsertBucket( $id: String, $summaryMetrics: JSONString) {
            upsertBucket(input: { id: $id, summaryMetrics: $summaryMetrics}) {
                bucket { id }
            }
        }
        `,
)

/** Creates a run. Variables `{entity, project, name, state}`. SDK: apis/public/api.py `Api._create_run`. */
export const UPSERT_BUCKET_CREATE_MUTATION: GraphqlOperation = op(
  'UpsertBucket',
  `
        mutation UpsertBucket($project: String, $entity: String, $name: String!, $state: String) {
            upsertBucket(input: {modelName: $project, entityName: $entity, name: $name, state: $state}) {
                bucket {
                    project {
                        name
                        entity { name }
                    }
                    id
                    name
                }
                inserted
            }
        }
        `,
)

/**
 * Deletes a run, optionally with its artifacts. Variables are always `{id, deleteArtifacts}`.
 * SDK: runs.py `Run.delete`.
 */
export function deleteRunMutation(deleteArtifacts: boolean): GraphqlOperation {
  return op(
    'DeleteRun',
    `
            mutation DeleteRun(
                $id: ID!,
                ${deleteArtifacts ? '$deleteArtifacts: Boolean' : ''}
            ) {
                deleteRun(input: {
                    id: $id,
                    ${deleteArtifacts ? 'deleteArtifacts: $deleteArtifacts' : ''}
                }) {
                    clientMutationId
                }
            }
        `,
  )
}

/** Changes a run's state. Variables `{input: {id, state}}`. SDK: runs.py `Run.update_state`. */
export const UPDATE_RUN_STATE_MUTATION: GraphqlOperation = op(
  'UpdateRunState',
  `
            mutation UpdateRunState($input: UpdateRunStateInput!) {
                updateRunState(input: $input) {
                    success
                }
            }
            `,
)

/** Asks a running run to stop. Variables `{id}`. SDK: wandb-core core/api/graphql/mutation_stop_run.graphql (`Run.stop`). */
export const STOP_RUN_MUTATION: GraphqlOperation = op(
  'StopRun',
  `mutation StopRun ($id: ID!) {
	stopRun(input: {id:$id}) {
		success
	}
}`,
)

/** Deletes run files. Variables `{files: [id], projectId}`. SDK: files.py `File.delete`. */
export const DELETE_FILES_MUTATION: GraphqlOperation = op(
  'deleteFiles',
  `
            mutation deleteFiles($files: [ID!]!, $projectId: Int) {
                deleteFiles(input: {
                    files: $files
                    projectId: $projectId
                }) {
                    success
                }
            }
        `,
)

/** Asks for upload URLs. Variables `{entity, project, run, files}`. SDK: runs.py `Run.upload_file`. */
export const CREATE_RUN_FILES_MUTATION: GraphqlOperation = op(
  'CreateRunFiles',
  `
        mutation CreateRunFiles($entity: String!, $project: String!, $run: String!, $files: [String!]!) {
            createRunFiles(input: {entityName: $entity, projectName: $project, runName: $run, files: $files}) {
                runID
                uploadHeaders
                files {
                    name
                    uploadUrl
                }
            }
        }
        `,
)

/** Commits uploaded files on servers with `MARK_RUN_FILES_UPLOADED`. Variables `{entity, project, run, files}`. SDK: wandb-core core/api/graphql/mutation_mark_run_files_uploaded.graphql. */
export const MARK_RUN_FILES_UPLOADED_MUTATION: GraphqlOperation = op(
  'MarkRunFilesUploaded',
  `mutation MarkRunFilesUploaded ($entity: String!, $project: String!, $run: String!, $files: [String!]!) {
	markRunFilesUploaded(input: {entityName:$entity,projectName:$project,runName:$run,files:$files}) {
		success
	}
}`,
)

/** Options of {@link useArtifactMutation}. */
export interface UseArtifactMutationOptions {
  /** Declare `$usedAs` (the SDK does so only when a use-as name is given). @default false */
  usedAs?: boolean
  /** Declare the artifact's entity/project (server feature `USE_ARTIFACT_WITH_ENTITY_AND_PROJECT_INFORMATION`). @default false */
  artifactProject?: boolean
}

/**
 * Records that a run used an artifact. Variables `{entityName, projectName, runName, artifactID,
 * usedAs, artifactEntityName?, artifactProjectName?}`. SDK: sdk/artifacts/_gqlutils.py `record_artifact_use`.
 */
export function useArtifactMutation(options: UseArtifactMutationOptions = {}): GraphqlOperation {
  const vars = [
    '$entityName: String!',
    '$projectName: String!',
    '$runName: String!',
    '$artifactID: ID!',
  ]
  const args = [
    'entityName: $entityName',
    'projectName: $projectName',
    'runName: $runName',
    'artifactID: $artifactID',
  ]
  if (options.usedAs) {
    vars.push('$usedAs: String')
    args.push('usedAs: $usedAs')
  }
  if (options.artifactProject) {
    vars.push('$artifactEntityName: String', '$artifactProjectName: String')
    args.push(
      'artifactEntityName: $artifactEntityName',
      'artifactProjectName: $artifactProjectName',
    )
  }
  return op(
    'UseArtifact',
    `
        mutation UseArtifact(${vars.join(', ')}) {
            useArtifact(input: {${args.join(', ')}}) {
                artifact {
                    id
                    digest
                    description
                    state
                    createdAt
                    metadata
                }
            }
        }
        `,
  )
}

/**
 * Creates an artifact version from a digest. Variables `{artifactTypeName, artifactCollectionNames,
 * entityName, projectName, runName, description, digest, digestAlgorithm, aliases, metadata,
 * clientID, sequenceClientID, tags}`. SDK: sdk/artifacts/_gqlutils.py `create_artifact_version`.
 */
export const CREATE_ARTIFACT_MUTATION: GraphqlOperation = op(
  'CreateArtifact',
  `
        mutation CreateArtifact(
            $artifactTypeName: String!,
            $artifactCollectionNames: [String!],
            $entityName: String!,
            $projectName: String!,
            $runName: String,
            $description: String,
            $digest: String!,
            $digestAlgorithm: ArtifactDigestAlgorithm!,
            $aliases: [ArtifactAliasInput!],
            $metadata: JSONString,
            $clientID: ID,
            $sequenceClientID: ID,
            $tags: [TagInput!],
        ) {
            createArtifact(input: {
                artifactTypeName: $artifactTypeName,
                artifactCollectionNames: $artifactCollectionNames,
                entityName: $entityName,
                projectName: $projectName,
                runName: $runName,
                description: $description,
                digest: $digest,
                digestAlgorithm: $digestAlgorithm,
                aliases: $aliases,
                metadata: $metadata,
                clientID: $clientID,
                sequenceClientID: $sequenceClientID,
                enableDigestDeduplication: true,
                tags: $tags,
            }) {
                artifact {
                    id
                    state
                    artifactSequence {
                        id
                        latestArtifact {
                            id
                            versionIndex
                        }
                    }
                }
            }
        }
        `,
)
