/**
 * Large cXML documents are parsed on worker threads (docs/cxml.md, "Large documents"). A 4 MiB
 * OrderRequest takes about half a second to mask and parse; on the event loop that would hold
 * every other request — start links, /healthz — for as long. Only documents over HEAD_WINDOW
 * come here, and only once their Header is authenticated (readCxmlHead), so a stranger cannot
 * queue work on the pool. Workers start when first needed and are replaced if one dies.
 */
import { Worker } from 'node:worker_threads'
import { PunchgateError, type ErrorCode } from '../../errors/index.ts'
import type { CxmlHead } from './parse.ts'
import type { CxmlRequestDocument } from './types.ts'

export interface ParseJob {
  id: number
  body: Uint8Array
  contentType: string | undefined
  head: CxmlHead
}

export interface ParseReply {
  id: number
  masked: Uint8Array
  document?: CxmlRequestDocument
  error?: { code?: ErrorCode; message: string; details?: Record<string, unknown> }
}

/** The document and the bytes the journal keeps, or the refusal the parse ended in. */
export type OffThreadParse = { masked: Buffer } & ({ document: CxmlRequestDocument } | { error: Error })

interface Pending {
  job: ParseJob
  resolve(result: OffThreadParse): void
  reject(err: Error): void
}

/** A worker's heap limit: a 4 MiB document needs well under a tenth of it. */
const WORKER_HEAP_MB = 512
/**
 * The gateway runs its TypeScript through tsx, whose loader (Node 20) does not reach worker
 * threads: the worker registers it first, then loads its module.
 */
const WORKER_BOOT = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
  .then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./parse-worker.ts', import.meta.url).href)}) })`

export class CxmlParsePool {
  private readonly idle: Worker[] = []
  private readonly busy = new Map<Worker, Pending>()
  private readonly queue: Pending[] = []
  private nextId = 0
  private closed = false

  /**
   * `size` workers at most; 0 parses on the calling thread (CXML_PARSE_WORKERS=0). `heapMb` bounds
   * each worker's heap, so that no document can exhaust the gateway's own memory.
   */
  constructor(private readonly size: number, private readonly heapMb = WORKER_HEAP_MB) {}

  get enabled(): boolean {
    return this.size > 0
  }

  /** Masks the document's secrets and parses it, on a worker. */
  parse(head: CxmlHead, body: Buffer, contentType: string | undefined): Promise<OffThreadParse> {
    if (this.closed) return Promise.reject(unavailable('the gateway is stopping'))
    // A copy of exactly these bytes, transferred: a view into a larger buffer would clone all of it.
    const bytes = new Uint8Array(body.byteLength)
    bytes.set(body)
    const job: ParseJob = { id: ++this.nextId, body: bytes, contentType, head: { payloadID: head.payloadID, header: head.header } }
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject })
      this.dispatch()
    })
  }

  async close(): Promise<void> {
    this.closed = true
    for (const pending of this.queue.splice(0)) pending.reject(unavailable('the gateway is stopping'))
    const workers = [...this.idle.splice(0), ...this.busy.keys()]
    await Promise.all(workers.map((w) => w.terminate()))
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.idle.pop() ?? (this.busy.size < this.size ? this.spawn() : undefined)
      if (!worker) return
      const pending = this.queue.shift()!
      this.busy.set(worker, pending)
      // A worker holds the process open only while it has a document.
      worker.ref()
      worker.postMessage(pending.job, [pending.job.body.buffer as ArrayBuffer])
    }
  }

  private spawn(): Worker {
    const worker = new Worker(WORKER_BOOT, { eval: true, resourceLimits: { maxOldGenerationSizeMb: this.heapMb } })
    worker.unref()
    worker.on('message', (reply: ParseReply) => {
      const pending = this.busy.get(worker)
      this.busy.delete(worker)
      worker.unref()
      if (!this.closed) this.idle.push(worker)
      pending?.resolve(toResult(reply))
      this.dispatch()
    })
    // A worker that dies (out of memory, a crash) fails its document with a retryable 503 and
    // is not reused; the next document gets a new one.
    const lost = (reason: string) => {
      const pending = this.busy.get(worker)
      this.busy.delete(worker)
      const at = this.idle.indexOf(worker)
      if (at >= 0) this.idle.splice(at, 1)
      pending?.reject(unavailable(reason))
      if (!this.closed) this.dispatch()
    }
    worker.on('error', (err) => lost(`the parser thread failed (${(err as { code?: string }).code ?? err.name})`))
    worker.on('exit', (code) => lost(`the parser thread exited (${code})`))
    return worker
  }
}

function toResult(reply: ParseReply): OffThreadParse {
  const masked = Buffer.from(reply.masked.buffer, reply.masked.byteOffset, reply.masked.byteLength)
  if (reply.document) return { masked, document: reply.document }
  const e = reply.error!
  return { masked, error: e.code ? new PunchgateError(e.code, e.message, e.details ? { details: e.details } : undefined) : new Error(e.message) }
}

const unavailable = (reason: string) => new PunchgateError('PG_ERR_UNAVAILABLE', `The document could not be parsed: ${reason}; retry later.`)
