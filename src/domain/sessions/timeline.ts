/** Decisions collected while handling a request, written to the session timeline together. */
export interface TimelineEvent {
  type: string
  at: Date
  data: Record<string, unknown>
}

export class Timeline {
  readonly events: TimelineEvent[] = []

  constructor(private readonly now: () => Date) {}

  record(type: string, data: Record<string, unknown> = {}): void {
    this.events.push({ type, at: this.now(), data })
  }
}
