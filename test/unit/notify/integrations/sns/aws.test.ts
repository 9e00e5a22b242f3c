import assert from 'node:assert/strict'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'

import {
  readMessageID,
  readQueryError,
  resolveAwsSettings,
  stsEndpoint,
  UNMARSHAL_FAILED,
} from '#src/notify/integrations/sns/index.js'

import { signatureIsValid } from '../../../../support/sigv4.js'

describe('readQueryError', () => {
  // Each row: an answer body, and what aws-sdk-go's query.UnmarshalError makes of it.
  const rows = [
    // SNS's documented error answer: code and message, trimmed and unescaped.
    [
      '<?xml version="1.0"?><ErrorResponse xmlns="x"><Error><Type>Sender</Type><Code> NotFound </Code><Message>Topic &quot;t&quot; does not exist</Message></Error><RequestId>r</RequestId></ErrorResponse>',
      { code: 'NotFound', message: 'Topic "t" does not exist' },
    ],
    // No element at all: Go's decoder reaches EOF, and the error is empty.
    ['', { code: '', message: '' }],
    ['Bad Gateway', { code: '', message: '' }],
    // Another root element, or broken XML: the SDK's serialization error.
    ['<html><body>502</body></html>', { code: 'SerializationError', message: UNMARSHAL_FAILED }],
    ['a < b', { code: 'SerializationError', message: UNMARSHAL_FAILED }],
    // The one other root the SDK knows.
    [
      '<ServiceUnavailableException/>',
      { code: 'ServiceUnavailableException', message: 'service is unavailable' },
    ],
  ] as const
  for (const [body, want] of rows) {
    it(`reads ${JSON.stringify(body.slice(0, 40))}`, () => {
      assert.deepEqual(readQueryError(body), want)
    })
  }

  it('reads the message id of a PublishResponse', () => {
    const body =
      '<PublishResponse><PublishResult><MessageId> id-1 </MessageId><SequenceNumber>1</SequenceNumber></PublishResult></PublishResponse>'
    assert.equal(readMessageID(body), 'id-1')
    assert.equal(readMessageID('<x/>'), '')
  })
})

describe('resolveAwsSettings', () => {
  it('prefers sigv4 keys, then the environment, then the shared files', async () => {
    const home = await mkdtemp(join(tmpdir(), 'sns-home-'))
    await writeFile(
      join(home, 'creds'),
      '[default]\naws_access_key_id=AKFILE\naws_secret_access_key=file\n'
    )
    const env = {
      HOME: home,
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'creds'),
      AWS_ACCESS_KEY: 'AKENV',
      AWS_SECRET_KEY: 'env',
    }
    const fromConfig = await resolveAwsSettings({ access_key: 'AK', secret_key: 's' }, env)
    assert.deepEqual(fromConfig.credentials, { accessKeyId: 'AK', secretAccessKey: 's' })
    // An access key without its secret is not a static credential: the chain goes on.
    const fromEnv = await resolveAwsSettings({ access_key: 'AK' }, env)
    assert.deepEqual(fromEnv.credentials, { accessKeyId: 'AKENV', secretAccessKey: 'env' })
    const fromFile = await resolveAwsSettings({}, { ...env, AWS_ACCESS_KEY: '' })
    assert.deepEqual(fromFile.credentials, { accessKeyId: 'AKFILE', secretAccessKey: 'file' })
  })

  it('reads the shared config file only with AWS_SDK_LOAD_CONFIG, as aws-sdk-go v1', async () => {
    const home = await mkdtemp(join(tmpdir(), 'sns-home-'))
    await writeFile(
      join(home, 'config'),
      '[default]\nregion = ap-south-1\n[profile ops]\nregion = eu-north-1\naws_access_key_id = AKCFG\naws_secret_access_key = cfg ; comment\n'
    )
    const env = { HOME: home, AWS_CONFIG_FILE: join(home, 'config'), AWS_PROFILE: 'ops' }
    assert.deepEqual(await resolveAwsSettings({}, env), { region: '', credentials: undefined })
    const loaded = await resolveAwsSettings({}, { ...env, AWS_SDK_LOAD_CONFIG: '1' })
    assert.deepEqual(loaded, {
      region: 'eu-north-1',
      credentials: { accessKeyId: 'AKCFG', secretAccessKey: 'cfg' },
    })
    // The config's region, AWS_DEFAULT_REGION and AWS_REGION in rising order of precedence.
    const withDefault = { ...env, AWS_SDK_LOAD_CONFIG: 'true', AWS_DEFAULT_REGION: 'us-west-2' }
    assert.equal((await resolveAwsSettings({}, withDefault)).region, 'us-west-2')
    const withRegion = { ...withDefault, AWS_REGION: 'sa-east-1' }
    assert.equal((await resolveAwsSettings({}, withRegion)).region, 'sa-east-1')
    assert.equal((await resolveAwsSettings({ region: 'x-1' }, withRegion)).region, 'x-1')
  })

  it('sends AssumeRole to the global STS endpoint for legacy regions', () => {
    assert.equal(stsEndpoint('us-east-1', {}), 'https://sts.amazonaws.com/')
    assert.equal(stsEndpoint('af-south-1', {}), 'https://sts.af-south-1.amazonaws.com/')
    assert.equal(
      stsEndpoint('eu-west-1', { AWS_STS_REGIONAL_ENDPOINTS: 'regional' }),
      'https://sts.eu-west-1.amazonaws.com/'
    )
  })
})

describe('the SigV4 check used by the SNS tests', () => {
  // AWS's published test vector `get-vanilla` (aws-sig-v4-test-suite), so the check itself is
  // known right before it judges aws4's signatures or aws-sdk-go's.
  it("accepts AWS's get-vanilla example and rejects a wrong key", () => {
    const request = {
      method: 'GET',
      path: '/',
      headers: {
        host: 'example.amazonaws.com',
        'x-amz-date': '20150830T123600Z',
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
      },
      body: Buffer.alloc(0),
    }
    assert.ok(signatureIsValid(request, 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'))
    assert.ok(!signatureIsValid(request, 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEz'))
  })
})
