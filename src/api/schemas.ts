/**
 * Zod schemas for each response page the client core reads. They check the structure the code
 * relies on (objects, lists, cursors) and keep every other field of a node untouched.
 *
 * @module
 */
import { z } from 'zod'

/** Relay page info; W&B may omit either field. */
const pageInfo = z.object({
  endCursor: z.string().nullish(),
  hasNextPage: z.boolean().nullish(),
})

/** A run node from either run fragment; extra fields are kept. */
export const runNodeSchema = z.looseObject({
  id: z.string().nullish(),
  name: z.string(),
  state: z.string().nullish(),
  tags: z.array(z.string()).nullish(),
  projectId: z.union([z.string(), z.number()]).nullish(),
  user: z.looseObject({ name: z.string().nullish(), username: z.string().nullish() }).nullish(),
})

/** A run node as parsed. */
export type RunNode = z.infer<typeof runNodeSchema>

/** `data` of the `Run` query. */
export const runResponseSchema = z.object({
  project: z.object({ run: runNodeSchema.nullable() }).nullable(),
})

/** `data` of one `Runs` page. */
export const runsPageSchema = z.object({
  project: z
    .object({
      internalId: z.union([z.string(), z.number()]).nullish(),
      runCount: z.number().nullish(),
      readOnly: z.boolean().nullish(),
      runs: z
        .object({
          edges: z.array(z.object({ node: runNodeSchema, cursor: z.string().nullish() })),
          pageInfo: pageInfo.nullish(),
        })
        .nullish(),
    })
    .nullable(),
})

/** `data` of `RunHistoryKeys` (for `lastHistoryStep`). */
export const runHistoryKeysSchema = z.object({
  project: z.object({ run: z.object({ historyKeys: z.unknown() }).nullable() }).nullable(),
})

/** A run file node. */
export const fileNodeSchema = z.looseObject({
  id: z.string().nullish(),
  name: z.string(),
  url: z.string().nullish(),
  directUrl: z.string().nullish(),
  sizeBytes: z.union([z.number(), z.string()]).nullish(),
  mimetype: z.string().nullish(),
  updatedAt: z.string().nullish(),
  md5: z.string().nullish(),
})

/** A run file node as parsed. */
export type FileNode = z.infer<typeof fileNodeSchema>

/** `data` of one `RunFiles` page. */
export const runFilesPageSchema = z.object({
  project: z
    .object({
      internalId: z.union([z.string(), z.number()]).nullish(),
      run: z
        .object({
          fileCount: z.number().nullish(),
          files: z
            .object({
              edges: z.array(z.object({ node: fileNodeSchema, cursor: z.string().nullish() })),
              pageInfo: pageInfo.nullish(),
            })
            .nullish(),
        })
        .nullable(),
    })
    .nullable(),
})

const projectInfo = z.looseObject({
  name: z.string(),
  entity: z.object({ name: z.string() }),
})

/** An artifact node from `ArtifactFragment`. */
export const artifactNodeSchema = z.looseObject({
  id: z.string(),
  artifactSequence: z.looseObject({ name: z.string(), project: projectInfo.nullish() }),
  versionIndex: z.number().nullish(),
  artifactType: z.object({ name: z.string() }).nullish(),
  aliases: z.array(z.looseObject({ alias: z.string() })).nullish(),
  tags: z.array(z.looseObject({ name: z.string() })).nullish(),
  digest: z.string().nullish(),
  size: z.union([z.number(), z.string()]).nullish(),
  fileCount: z.union([z.number(), z.string()]).nullish(),
  createdAt: z.string().nullish(),
  updatedAt: z.string().nullish(),
})

/** An artifact node as parsed. */
export type ArtifactNode = z.infer<typeof artifactNodeSchema>

/** `data` of one `RunOutputArtifacts` / `RunInputArtifacts` page. */
export const runArtifactsPageSchema = z.object({
  project: z
    .object({
      run: z
        .object({
          artifacts: z
            .object({
              totalCount: z.number().nullish(),
              pageInfo: pageInfo.nullish(),
              edges: z.array(z.object({ node: artifactNodeSchema.nullable() })),
            })
            .nullish(),
        })
        .nullable(),
    })
    .nullable(),
})

/** `data` of `FetchArtifactManifest`. */
export const artifactManifestSchema = z.object({
  artifact: z
    .object({
      currentManifest: z.object({ file: z.object({ directUrl: z.string() }) }).nullish(),
    })
    .nullable(),
})

/** `data` of one `GetArtifactMembershipFileUrls` page. */
export const artifactFileUrlsPageSchema = z.object({
  project: z
    .object({
      artifactCollection: z
        .object({
          artifactMembership: z
            .object({
              files: z
                .object({
                  pageInfo: pageInfo.nullish(),
                  edges: z.array(
                    z.object({
                      node: z.object({ name: z.string(), directUrl: z.string().nullish() })
                        .nullable(),
                    }),
                  ),
                })
                .nullish(),
            })
            .nullish(),
        })
        .nullish(),
    })
    .nullable(),
})

/** `data` of `GetDefaultEntity`. */
export const defaultEntitySchema = z.object({
  viewer: z.object({ id: z.string().nullish(), entity: z.string().nullish() }).nullable(),
})

/** A viewer from `GetViewer` or `Viewer`; extra fields are kept. */
export const viewerSchema = z.object({
  viewer: z
    .looseObject({
      id: z.string().nullish(),
      entity: z.string().nullish(),
      username: z.string().nullish(),
      email: z.string().nullish(),
    })
    .nullable(),
})

/** `data` of one `GetArtifactMembershipFileUrls` page, as parsed. */
export type ArtifactFileUrlsPage = z.infer<typeof artifactFileUrlsPageSchema>
