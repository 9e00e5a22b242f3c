import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'

import type { SigV4Config } from './config.js'

/** AwsCredentials are the keys a request is signed with. */
export interface AwsCredentials {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken?: string
}

/** AwsSettings are the region and credentials 0.25's session would resolve, if any. */
export interface AwsSettings {
  readonly region: string
  readonly credentials: AwsCredentials | undefined
}

/** Env is the process environment, injected for tests. */
export type Env = Readonly<Record<string, string | undefined>>

/** NO_CREDENTIALS is aws-sdk-go's error when no provider in its chain has keys. */
export const NO_CREDENTIALS =
  'NoCredentialProviders: no valid providers in chain. Deprecated.\n\tFor verbose messaging see aws.Config.CredentialsChainVerboseErrors'

/**
 * resolveAwsSettings is what aws-sdk-go v1's session.NewSessionWithOptions gives 0.25's SNS
 * notifier (notify/sns/sns.go createSNSClient):
 * - region: `sigv4.region`, else AWS_REGION; with AWS_SDK_LOAD_CONFIG also AWS_DEFAULT_REGION
 *   and the profile's `region` in the shared config file;
 * - credentials: `sigv4.access_key` and `secret_key` when both are set; else, without an
 *   explicit `sigv4.profile`, the AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (or AWS_ACCESS_KEY/
 *   AWS_SECRET_KEY) variables; else the profile's keys in the shared credentials file
 *   (AWS_SHARED_CREDENTIALS_FILE, ~/.aws/credentials), then, with AWS_SDK_LOAD_CONFIG, in the
 *   shared config file (AWS_CONFIG_FILE, ~/.aws/config). The profile is `sigv4.profile`, else
 *   AWS_PROFILE (AWS_DEFAULT_PROFILE with AWS_SDK_LOAD_CONFIG), else `default`.
 *
 * The EC2/ECS instance roles and web identity tokens the SDK would try last are not looked up.
 *
 * @param sigv4 - the entry's `sigv4`.
 * @param env - the environment.
 * @returns region ('' when none) and credentials (undefined when none).
 */
export async function resolveAwsSettings(sigv4: SigV4Config, env: Env): Promise<AwsSettings> {
  const loadConfig = truthy(env['AWS_SDK_LOAD_CONFIG'])
  const profile =
    nonEmpty(sigv4.profile) ??
    nonEmpty(env['AWS_PROFILE']) ??
    (loadConfig ? nonEmpty(env['AWS_DEFAULT_PROFILE']) : undefined) ??
    'default'
  const home = env['HOME'] ?? homedir()
  const credentialsFile = await readIni(
    nonEmpty(env['AWS_SHARED_CREDENTIALS_FILE']) ?? join(home, '.aws', 'credentials')
  )
  const configFile = loadConfig
    ? await readIni(nonEmpty(env['AWS_CONFIG_FILE']) ?? join(home, '.aws', 'config'))
    : new Map<string, Map<string, string>>()
  const configSection = configFile.get(profile === 'default' ? 'default' : `profile ${profile}`)

  const region =
    nonEmpty(sigv4.region) ??
    nonEmpty(env['AWS_REGION']) ??
    (loadConfig ? nonEmpty(env['AWS_DEFAULT_REGION']) : undefined) ??
    nonEmpty(configSection?.get('region')) ??
    ''

  const secretKey = sigv4.secret_key ?? ''
  if ((sigv4.access_key ?? '') !== '' && secretKey !== '') {
    return {
      region,
      credentials: { accessKeyId: sigv4.access_key ?? '', secretAccessKey: secretKey },
    }
  }
  const fromEnv = keys(
    env['AWS_ACCESS_KEY_ID'] ?? env['AWS_ACCESS_KEY'],
    env['AWS_SECRET_ACCESS_KEY'] ?? env['AWS_SECRET_KEY'],
    env['AWS_SESSION_TOKEN']
  )
  // An explicit profile reads the shared files before the environment (aws-sdk-go#2727).
  if (nonEmpty(sigv4.profile) === undefined && fromEnv !== undefined) {
    return { region, credentials: fromEnv }
  }
  for (const section of [credentialsFile.get(profile), configSection]) {
    const found = keys(
      section?.get('aws_access_key_id'),
      section?.get('aws_secret_access_key'),
      section?.get('aws_session_token')
    )
    if (found !== undefined) {
      return { region, credentials: found }
    }
  }
  return { region, credentials: fromEnv }
}

function keys(
  id: string | undefined,
  secret: string | undefined,
  token: string | undefined
): AwsCredentials | undefined {
  if (id === undefined || id === '' || secret === undefined || secret === '') {
    return undefined
  }
  return token === undefined || token === ''
    ? { accessKeyId: id, secretAccessKey: secret }
    : { accessKeyId: id, secretAccessKey: secret, sessionToken: token }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}

/** truthy is Go's strconv.ParseBool, with which aws-sdk-go reads AWS_SDK_LOAD_CONFIG. */
function truthy(value: string | undefined): boolean {
  return ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value ?? '')
}

/** readIni reads an AWS shared file into sections of keys; a missing file is empty. */
async function readIni(path: string): Promise<Map<string, Map<string, string>>> {
  const sections = new Map<string, Map<string, string>>()
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch {
    return sections
  }
  let current: Map<string, string> | undefined
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)[#;].*$/, '').trim()
    const header = /^\[\s*(.+?)\s*\]$/.exec(line)
    if (header !== null) {
      const name = (header[1] ?? '').replace(/\s+/g, ' ')
      current = sections.get(name) ?? new Map<string, string>()
      sections.set(name, current)
    } else if (current !== undefined && line.includes('=')) {
      const at = line.indexOf('=')
      current.set(line.slice(0, at).trim().toLowerCase(), line.slice(at + 1).trim())
    }
  }
  return sections
}
