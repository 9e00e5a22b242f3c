import type { HttpResponse } from '../../http/index.js'

import type { AwsCredentials, Env } from './credentials.js'
import { readQueryError } from './response.js'

/** LEGACY_GLOBAL_REGIONS use sts.amazonaws.com under aws-sdk-go v1's default `legacy` setting. */
const LEGACY_GLOBAL_REGIONS = new Set([
  'ap-northeast-1',
  'ap-south-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'aws-global',
  'ca-central-1',
  'eu-central-1',
  'eu-north-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
])

/**
 * stsEndpoint is where aws-sdk-go v1 sends AssumeRole for a region: the global endpoint for
 * the legacy regions unless AWS_STS_REGIONAL_ENDPOINTS is `regional`, else the regional one.
 *
 * @param region - the session's region.
 * @param env - the environment.
 * @returns the endpoint URL, path `/`.
 */
export function stsEndpoint(region: string, env: Env): string {
  const regional = (env['AWS_STS_REGIONAL_ENDPOINTS'] ?? '').toLowerCase() === 'regional'
  return !regional && LEGACY_GLOBAL_REGIONS.has(region)
    ? 'https://sts.amazonaws.com/'
    : `https://sts.${region}.amazonaws.com/`
}

/** AssumeRoleResult is the temporary credentials, or the error's message. */
export interface AssumeRoleResult {
  readonly credentials?: AwsCredentials
  readonly message: string
}

/**
 * assumeRole reads STS's AssumeRole answer.
 *
 * @param response - the answer.
 * @returns the role's credentials on 2xx with keys, else the AWS error's message.
 */
export function assumeRole(response: HttpResponse): AssumeRoleResult {
  if (Math.trunc(response.status / 100) !== 2) {
    return { message: readQueryError(response.body).message }
  }
  const text = (name: string): string =>
    new RegExp(`<${name}>\\s*([^<]*?)\\s*</${name}>`).exec(response.body)?.[1] ?? ''
  const accessKeyId = text('AccessKeyId')
  const secretAccessKey = text('SecretAccessKey')
  if (accessKeyId === '' || secretAccessKey === '') {
    return { message: 'AssumeRole answer without credentials' }
  }
  const sessionToken = text('SessionToken')
  return {
    credentials:
      sessionToken === ''
        ? { accessKeyId, secretAccessKey }
        : { accessKeyId, secretAccessKey, sessionToken },
    message: '',
  }
}
