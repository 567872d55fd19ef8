/**
 * The part of autocannon 9's API the bench uses. The package ships no types and
 * @types/autocannon is not a dependency; this keeps `tsc --noEmit` strict without one.
 */
declare module 'autocannon' {
  namespace autocannon {
    interface Request {
      method?: string
      path?: string
      headers?: Record<string, string>
      body?: string | Buffer
      /** Called before each request is built; the returned object is sent. */
      setupRequest?: (req: Request, context: Record<string, unknown>) => Request | null
      onResponse?: (status: number, body: string, context: Record<string, unknown>, headers: Record<string, string>) => void
    }
    interface Options {
      url: string
      connections?: number
      duration?: number
      amount?: number
      /** Requests per second across all connections (autocannon's -R). */
      overallRate?: number
      timeout?: number
      method?: string
      headers?: Record<string, string>
      body?: string | Buffer
      requests?: Request[]
    }
    interface Result {
      duration: number
      errors: number
      timeouts: number
      non2xx: number
      resets: number
      latency: { p50: number; p99: number; max: number }
      statusCodeStats: Record<string, { count: number }>
      '1xx': number
      '2xx': number
      '3xx': number
      '4xx': number
      '5xx': number
    }
    interface Instance extends PromiseLike<Result> {
      on(event: 'response', listener: (client: unknown, statusCode: number, bytes: number, responseTime: number) => void): this
      on(event: 'reqError', listener: (error: Error) => void): this
      stop(): void
    }
  }
  function autocannon(options: autocannon.Options): autocannon.Instance
  export = autocannon
}
