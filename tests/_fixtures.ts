/** Paths to test data, and the loud-skip rule for data that is absent. */
import { existsSync, realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** The shared fixtures folder beside the project checkout (`../shared/fixtures/`). */
export const sharedFixturesDir: string = realFolder(
  fileURLToPath(new URL('../../shared/fixtures/', import.meta.url)),
)

/** A folder's path with symbolic links resolved (wbx reports real paths), or as given when absent. */
function realFolder(path: string): string {
  return existsSync(path) ? realpathSync(path) + '/' : path
}

/** The project's own generated fixtures (`tests/fixtures/`). */
export const ownFixturesDir: string = fileURLToPath(new URL('./fixtures/', import.meta.url))

/** Absolute path of a shared fixture. */
export function sharedFixture(relative: string): string {
  return sharedFixturesDir + relative
}

/** A `skip` value for node:test: false when the shared fixtures exist, else a message saying they are missing. */
export const skipWithoutSharedFixtures: string | false = existsSync(sharedFixturesDir)
  ? false
  : `shared fixtures not found at ${sharedFixturesDir}: place the shared/ folder beside the checkout`
