import { AlertmeshError } from '../util/index.js'

/** WebConfigError is a web config the toolkit refuses, with the toolkit's message. */
export class WebConfigError extends AlertmeshError {
  constructor(message: string, options?: ErrorOptions) {
    super('AM_WEB_CONFIG_INVALID', message, options)
  }
}
