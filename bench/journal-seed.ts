/**
 * Seeds the journal-scale database with set-based SQL (generate_series, INSERT … SELECT): no row
 * crosses the wire. Distributions (bench/README.md, "Journal scale"):
 *
 * - customers: 500; a session's customer is its buyer's, and buyers are spread over customers
 *   with a strong skew (customer n gets a share ∝ the density of random()³ — the largest holds
 *   about 13 % of all sessions, most hold a few hundred);
 * - buyers: one per 10 sessions, names from short lists (so a common surname matches ~1 % of
 *   them); sessions pick buyers with a skew too (some punch out daily, most rarely);
 * - sessions over the last 365 days; 70 % cXML, 30 % OCI; create 88 % / edit 8 % / inspect 4 %
 *   (OCI: create 97 % / source 3 %); 7 % failed with one of five codes (no user kept, as at
 *   setup — except a disabled user), 8 % expired, 10 % provisioned, 25 % started, 50 % with a cart;
 * - events: 4 (failed) to 12 (cart returned) per session, about 10.2 per session;
 * - journal: the setup of every session (cXML with its ~700-byte document), the start link and a
 *   storefront sign-in of every started one, the cart return of every one with a cart, and 2 %
 *   more refused before any session (bad secret, unknown credential, malformed), without customer.
 *
 * Rows are laid out as the gateway writes them — appended in time order (sessions by created_at,
 * each session's events together, the journal by `at`) — so an index walk in time order reads
 * the heap as it would in production, not a random shuffle of it.
 */
import type pg from 'pg'

const CUSTOMERS = 500
const FIRST = ['Anna', 'Ben', 'Clara', 'David', 'Eva', 'Felix', 'Greta', 'Hans', 'Ida', 'Jonas', 'Karin', 'Lukas', 'Maria', 'Noah', 'Olga', 'Paul', 'Rosa', 'Sven', 'Tina', 'Uwe']
const LAST = ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Smith', 'Johnson', 'Brown', 'Garcia', 'Martin',
  'Dubois', 'Rossi', 'Novak', 'Kowalski', 'Jansen', 'Larsen', 'Nielsen', 'Silva', 'Santos', 'Costa', 'Ivanova', 'Horvat', 'Popescu', 'Nagy', 'Virtanen']

export interface SeedCounts {
  customers: number
  users: number
  sessions: number
  events: number
  journal: number
}

/** Runs each step, printing its time; `sessions` sets the volume (events ≈ 10×). */
export async function seedJournalScale(client: pg.Client, sessions: number, log: (line: string) => void): Promise<SeedCounts> {
  const step = async (what: string, text: string, params: unknown[] = []) => {
    const t0 = Date.now()
    const res = await client.query(text, params)
    log(`  ${what}: ${res.rowCount ?? 0} rows in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
  }
  const users = Math.max(10, Math.round(sessions / 10))
  await client.query(`set maintenance_work_mem = '256MB'`)
  await client.query(`set work_mem = '256MB'`)
  await client.query('set synchronous_commit = off')
  // A synchronized scan may start mid-table; the events must follow the sessions' order.
  await client.query('set synchronize_seqscans = off')
  await step('customers', CUSTOMERS_SQL, [CUSTOMERS])
  await client.query('create temporary table bench_users (n int primary key, id uuid not null, customer_n int not null, first text not null, last text not null)')
  await step('buyer users (numbered)', BENCH_USERS_SQL, [users, CUSTOMERS, FIRST, LAST])
  await step('buyer users', USERS_SQL)
  // One end for the year of data: every statement's windows meet exactly.
  const end = new Date().toISOString()
  await step('sessions', SESSIONS_SQL, [sessions, users, end])
  await step('events', EVENTS_SQL)
  const orphans = Math.round((sessions * 0.02) / JOURNAL_CHUNKS)
  for (let chunk = 0; chunk < JOURNAL_CHUNKS; chunk++) {
    await step(`journal, month ${chunk + 1}/${JOURNAL_CHUNKS}`, JOURNAL_SQL, [chunk, JOURNAL_CHUNKS, orphans, end])
  }
  const t0 = Date.now()
  await client.query('vacuum (analyze) customers, buyer_users, punchout_sessions, session_events, journal_entries')
  log(`  vacuum analyze: ${((Date.now() - t0) / 1000).toFixed(1)} s`)
  const { rows } = await client.query<Record<keyof SeedCounts, string>>(`select
    (select count(*) from customers) as customers, (select count(*) from buyer_users) as users,
    (select count(*) from punchout_sessions) as sessions, (select count(*) from session_events) as events,
    (select count(*) from journal_entries) as journal`)
  return Object.fromEntries(Object.entries(rows[0]!).map(([k, v]) => [k, Number(v)])) as unknown as SeedCounts
}

const CUSTOMERS_SQL = `
insert into customers (id, name, slug, tier, identity_profile, provisioning, return_url_hosts, cart_transport, oci_options, created_at, updated_at)
select gen_random_uuid(), 'Customer ' || n, 'customer-' || n, 'standard', '"generic"', '{}', '["buyer.example.com"]', 'cxml-urlencoded', '{}',
       now() - interval '400 days', now() - interval '400 days'
  from generate_series(0, $1::int - 1) n`

/** Buyer n (numbered for the sessions to pick) belongs to customer floor(500 · r³): a few customers have most buyers. */
const BENCH_USERS_SQL = `
insert into bench_users (n, id, customer_n, first, last)
select n, gen_random_uuid(), floor($2::int * power(random(), 3))::int,
       ($3::text[])[1 + floor(random() * array_length($3::text[], 1))::int],
       ($4::text[])[1 + floor(power(random(), 2) * array_length($4::text[], 1))::int]
  from generate_series(1, $1::int) n`

const USERS_SQL = `
insert into buyer_users (id, customer_id, unique_name, email, display_name, first_name, last_name, roles, status, unidentified, created_at, updated_at)
select u.id, c.id, 'u' || u.n, lower(u.first || '.' || u.last || '.' || u.n || '@' || c.slug || '.example'), u.first || ' ' || u.last, u.first, u.last,
       '["buyer"]', 'active', false, now() - interval '400 days', now() - interval '400 days'
  from bench_users u join customers c on c.slug = 'customer-' || u.customer_n`

const SESSIONS_SQL = `
insert into punchout_sessions (id, customer_id, user_id, protocol, operation, status, failure_code, failure_text, buyer_cookie, return_url, payload_id,
  deployment_mode, started_at, cart_returned_at, restored_items, protocol_context, "grant", flags, created_at, updated_at)
select gen_random_uuid(), u.customer_id, case when x.code is null or x.code = 'PG_ERR_USER_DISABLED' then u.id end,
       x.protocol, x.operation, x.status, x.code,
       case when x.code is not null then 'Refused (' || x.code || '): what to do about it, in words a support agent can act on.' end,
       case when x.protocol = 'cxml' then md5(x.g::text) end,
       case when x.status <> 'failed' then 'https://buyer.example.com/punchout/return' end,
       case when x.protocol = 'cxml' then x.g || '.' || floor(random() * 1e9)::bigint || '@procurement.example' end,
       'production',
       case when x.status in ('started', 'cart_returned') then x.created_at + interval '20 seconds' end,
       case when x.status = 'cart_returned' then x.created_at + interval '12 minutes' end,
       '[]', '{}', '{"roles": [], "permissions": [], "spendLimit": null}', '[]', x.created_at, x.created_at
  from (
    select r.*,
           case when r.rp < 0.7 then 'cxml' else 'oci' end as protocol,
           case when r.rp < 0.7 then (case when r.ro < 0.88 then 'create' when r.ro < 0.96 then 'edit' else 'inspect' end)
                else (case when r.ro < 0.97 then 'create' else 'source' end) end as operation,
           case when r.rs < 0.07 then 'failed' when r.rs < 0.15 then 'expired' when r.rs < 0.25 then 'provisioned'
                when r.rs < 0.50 then 'started' else 'cart_returned' end as status,
           case when r.rs >= 0.07 then null when r.rc < 0.40 then 'PG_ERR_ROLE_REJECTED' when r.rc < 0.65 then 'PG_ERR_RETURN_URL_REFUSED'
                when r.rc < 0.82 then 'PG_ERR_USER_UNKNOWN' when r.rc < 0.94 then 'PG_ERR_IDENTITY_MISSING' else 'PG_ERR_USER_DISABLED' end as code
      from (select g, 1 + floor($2::int * power(random(), 2))::int as user_n, random() as rs, random() as rp, random() as ro, random() as rc,
                   date_trunc('milliseconds', $3::timestamptz - interval '365 days' + (g - random()) / $1::int * interval '365 days') as created_at
              from generate_series(1, $1::int) g) r
  ) x
  join bench_users b on b.n = x.user_n
  join buyer_users u on u.id = b.id
 order by x.created_at`

const EVENT_TYPES = `array['setup.received', 'customer.authenticated', 'return_url.allowed', 'identity.extracted', 'user.matched', 'role.matched',
  'permissions.granted', 'session.provisioned', 'start.used', 'storefront.signed_in', 'cart.checked', 'cart.returned']`

const EVENTS_SQL = `
insert into session_events (session_id, at, type, data)
select s.id, s.created_at + k * interval '150 milliseconds',
       case when s.status = 'failed' and k = 4 then 'session.failed' else (${EVENT_TYPES})[k] end,
       jsonb_build_object('step', k, 'note', 'what was decided at this step')
  from punchout_sessions s
 cross join lateral generate_series(1, case s.status when 'failed' then 4 when 'expired' then 8 when 'provisioned' then 8 when 'started' then 10 else 12 end) k`

/** A cXML setup document of about 700 bytes, secret masked as the journal keeps it. */
const SETUP_BODY = `convert_to(format('<?xml version="1.0" encoding="UTF-8"?><cXML payloadID="%s" timestamp="%s" xml:lang="en-US"><Header><From><Credential domain="NetworkID"><Identity>AN0100000%s</Identity></Credential></From><To><Credential domain="DUNS"><Identity>123456789</Identity></Credential></To><Sender><Credential domain="NetworkID"><Identity>AN0100000%s</Identity><SharedSecret>***</SharedSecret></Credential><UserAgent>Procurement 1.0</UserAgent></Sender></Header><Request deploymentMode="production"><PunchOutSetupRequest operation="%s"><BuyerCookie>%s</BuyerCookie><Extrinsic name="UserEmail">%s</Extrinsic><Extrinsic name="UniqueName">%s</Extrinsic><BrowserFormPost><URL>https://buyer.example.com/punchout/return</URL></BrowserFormPost></PunchOutSetupRequest></Request></cXML>',
  s.payload_id, s.created_at, s.customer_id, s.customer_id, s.operation, s.buyer_cookie, u.email, u.unique_name), 'UTF8')`

/** The journal is written a month at a time ($1 of $2 twelfths of the year), each sorted by time. */
const JOURNAL_CHUNKS = 12

/** Chunk $1 of $2 of the year that ends at $4. */
const WINDOW = `$4::timestamptz - interval '365 days' + $1::int * interval '365 days' / $2::int`
const WINDOW_END = `$4::timestamptz - interval '365 days' + ($1::int + 1) * interval '365 days' / $2::int`

const JOURNAL_SQL = `
insert into journal_entries (at, channel, method, path, request_id, session_id, customer_id, payload_id, http_status, protocol_status, outcome, error_code,
  content_type, request_body, request_size, response_content_type, response_body, duration_ms, remote_ip)
select * from (
  select s.created_at as at, s.protocol, case when s.protocol = 'cxml' then 'POST' else 'GET' end,
         case when s.protocol = 'cxml' then '/punchout/cxml' else '/punchout/oci?USERNAME=srm&PASSWORD=***&HOOK_URL=https%3A%2F%2Fbuyer.example.com%2Fhook' end,
         gen_random_uuid()::text, s.id, s.customer_id, s.payload_id,
         case when s.status = 'failed' then 403 when s.protocol = 'cxml' then 200 else 303 end,
         case when s.protocol = 'cxml' then (case when s.status = 'failed' then 403 else 200 end) end,
         case when s.status = 'failed' then 'refused' else 'ok' end, s.failure_code,
         case when s.protocol = 'cxml' then 'text/xml; charset=utf-8' end,
         case when s.protocol = 'cxml' then ${SETUP_BODY} end,
         case when s.protocol = 'cxml' then 700 else 0 end,
         'text/xml; charset=utf-8',
         '<?xml version="1.0" encoding="UTF-8"?><cXML><Response><Status code="200" text="OK"/><PunchOutSetupResponse><StartPage><URL>https://gateway.example/punchout/start/***</URL></StartPage></PunchOutSetupResponse></Response></cXML>',
         3 + floor(random() * 20)::int, '203.0.113.' || floor(random() * 250)::int
    from punchout_sessions s left join buyer_users u on u.id = s.user_id
   where s.created_at >= ${WINDOW} and s.created_at < ${WINDOW_END}
  union all
  select f.at, f.channel, f.method, f.path, gen_random_uuid()::text, s.id, s.customer_id, null, f.status, null, 'ok', null, null, f.body,
         coalesce(length(f.body), 0), f.response_type, f.response, 2 + floor(random() * 10)::int, '198.51.100.' || floor(random() * 250)::int
    from punchout_sessions s
   cross join lateral (values
     ('start', 'GET', '/punchout/start/***', s.started_at, 302, null::bytea, null, null),
     ('shop', 'GET', '/shop/login?assertion=***', s.started_at + interval '1 second', 303, null::bytea, null, null),
     ('cart', 'POST', '/punchout/sessions/' || s.id || '/cart', s.cart_returned_at, 200,
      convert_to('{"items":[{"sku":"PEN-BLUE-10","quantity":3,"unitPrice":2.5,"currency":"EUR"},{"sku":"PAPER-A4","quantity":1,"unitPrice":4.2,"currency":"EUR"}]}', 'UTF8'),
      'text/html; charset=utf-8', '<!doctype html><form method="post" action="https://buyer.example.com/punchout/return">…</form>')
   ) as f(channel, method, path, at, status, body, response_type, response)
   where s.created_at >= ${WINDOW} - interval '1 hour' and s.created_at < ${WINDOW_END} and f.at >= ${WINDOW} and f.at < ${WINDOW_END}
  union all
  select o.at, 'cxml', 'POST', '/punchout/cxml', gen_random_uuid()::text, null, null, 'orphan-' || $1::int || '-' || o.n || '@unknown.example',
         case when o.r < 0.8 then 401 else 400 end, case when o.r < 0.8 then 401 else 400 end,
         case when o.r < 0.8 then 'refused' else 'malformed' end,
         case when o.r < 0.5 then 'PG_ERR_AUTH_BAD_SECRET' when o.r < 0.8 then 'PG_ERR_AUTH_UNKNOWN_CREDENTIAL' else 'PG_ERR_CXML_MALFORMED' end,
         'text/xml', convert_to('<?xml version="1.0"?><cXML payloadID="orphan-' || o.n || '@unknown.example"><Header><Sender><SharedSecret>***</SharedSecret>', 'UTF8'), 120,
         'text/xml; charset=utf-8', '<cXML><Response><Status code="401" text="Unauthorized"/></Response></cXML>', 2, '192.0.2.' || floor(random() * 250)::int
    from (select n, random() as r, date_trunc('milliseconds', ${WINDOW} + random() * interval '365 days' / $2::int) as at from generate_series(1, $3::int) n) o
) j
order by 1`
