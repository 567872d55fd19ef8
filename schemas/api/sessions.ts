/** The session view is a domain shape (src/domain/sessions/session-view.ts), published as is. */
export { restoredItemSchema, sessionViewSchema, type SessionView } from '../../src/domain/sessions/session-view.ts'
