/**
 * The worker side of CxmlParsePool (parse-pool.ts): masks and parses one authenticated document
 * per message. Everything it sends back is plain data; the masked bytes travel as a transferred
 * buffer, not a copy.
 */
import { parentPort } from 'node:worker_threads'
import { isPunchgateError } from '../../errors/index.ts'
import { completeCxmlRequest } from './parse.ts'
import { redactSecrets } from './redact.ts'
import type { ParseJob, ParseReply } from './parse-pool.ts'

const port = parentPort!

port.on('message', (job: ParseJob) => {
  const body = Buffer.from(job.body.buffer, job.body.byteOffset, job.body.byteLength)
  const masked = new Uint8Array(redactSecrets(body, job.contentType))
  let reply: ParseReply
  try {
    reply = { id: job.id, masked, document: completeCxmlRequest(job.head, body, job.contentType) }
  } catch (err) {
    reply = {
      id: job.id,
      masked,
      error: isPunchgateError(err)
        ? { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) }
        : { message: err instanceof Error ? err.message : String(err) },
    }
  }
  port.postMessage(reply, [masked.buffer as ArrayBuffer])
})
