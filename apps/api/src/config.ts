import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import {
  DEFAULT_INSTRUMENTS,
  InstrumentList,
  kafkaConnection,
  KafkaConnectionEnvironment,
  parseScaledDecimal,
  type Instrument,
  type KafkaConnection,
} from '@bolsa/contracts';
import { z } from 'zod';
import {
  isTimeZone,
  parseDates,
  parseLateOpenings,
  parseTimeOfDay,
  parseWeekdays,
  type MarketClose,
  type MarketOpening,
} from './sessions/trading-clock.js';

/** The API's whole configuration, read from the environment once, here and nowhere else. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** `off` → none (false); else the list, each a named range, an address or a CIDR block; null when one is neither. */
function parseTrustedProxies(text: string): string[] | false | null {
  if (text.trim() === 'off') return false;
  const entries = text.split(',').map((entry) => entry.trim());
  const valid = (entry: string) => {
    if (NAMED_RANGES.has(entry)) return true;
    const [address = '', prefix, ...rest] = entry.split('/');
    const family = isIP(address);
    const bits = family === 4 ? 32 : 128;
    return (
      family !== 0 && rest.length === 0 && (prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= bits))
    );
  };
  return entries.every(valid) ? entries : null;
}

/** A zod transform: what `parse` makes of the text, or an issue saying what it must be when it makes nothing. */
function parsedBy<T>(parse: (text: string) => T | null, mustBe: string) {
  return (text: string, context: z.RefinementCtx<string>): T => {
    const parsed = parse(text);
    if (parsed !== null) return parsed;
    context.addIssue({ code: 'custom', message: mustBe });
    return z.NEVER;
  };
}

const Environment = z.object({
  API_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  API_HOST: z.string().default('127.0.0.1'),
  KAFKA_BROKERS: z.string().min(1).default('127.0.0.1:9092'),
  ...KafkaConnectionEnvironment,
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, { error: 'must be a postgresql:// URL' }),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(20),
  INSTRUMENTS_FILE: z.string().optional(),
  /** Whether this process stores engine events (off for a process that only serves reads). */
  EVENTS_CONSUMER: z.enum(['on', 'off']).default('on'),
  EVENTS_GROUP_ID: z.string().min(1).default('api-events'),
  /**
   * The process that stores engine events also re-sends orders still pending this long after they were recorded
   * (their sender may have died before publishing them; the engine ignores a placement it already has). 0: never.
   */
  ORDER_RESEND_AFTER_MS: z.coerce.number().int().min(0).default(10_000),
  /**
   * The process that stores engine events also reconciles the books this often (the checks of GET
   * /api/admin/reconciliation, exported as api_books_faults); 0: never. They read every row.
   */
  RECONCILE_EVERY_MS: z.coerce.number().int().min(0).default(3_600_000),
  /**
   * How long a request waits for Kafka to take its command. Past it a new order is answered 202 pending all the
   * same (it is recorded; the send goes on, and the re-sender takes over if it fails), a cancel or amend 503.
   */
  COMMAND_SEND_WAIT_MS: z.coerce.number().int().positive().default(3_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Fees in basis points of a trade's value, for the resting (maker) and the incoming (taker) side. */
  FEE_MAKER_BPS: z.coerce.number().int().min(0).max(1000).default(2),
  FEE_TAKER_BPS: z.coerce.number().int().min(0).max(1000).default(3),
  /** What a new trader starts with (demo money): cash in BRL, and shares of every instrument. */
  STARTING_CASH: z
    .string()
    .default('100000.00')
    .transform((text, context) => {
      if (/^0+(\.0+)?$/.test(text)) return 0;
      const cents = parseScaledDecimal(text, 2);
      if (cents.ok) return cents.value;
      context.addIssue({ code: 'custom', message: 'must be an amount such as 100000.00' });
      return z.NEVER;
    }),
  STARTING_SHARES: z.coerce.number().int().min(0).default(1000),
  /** scrypt cost as log2 N; stored with each hash, so raising it later keeps old hashes valid. */
  PASSWORD_HASH_COST: z.coerce.number().int().min(12).max(20).default(17),
  SESSION_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 90)
    .default(24 * 7),
  /** Off only for plain-http deployments other than localhost (browsers accept secure cookies on localhost). */
  COOKIE_SECURE: z.enum(['on', 'off']).default('on'),
  /** Failed logins allowed per email and per client address in LOGIN_WINDOW_SECONDS. */
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  LOGIN_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
  /**
   * The proxies whose X-Forwarded-For the API believes (the web's proxy route, an ingress): named ranges
   * (`loopback`, `linklocal`, `uniquelocal`), addresses or CIDR blocks, comma-separated; `off` believes none. A
   * request from one of them is counted, for the login limits, as from the address it names; without it, every
   * browser behind the web would be one address, and 50 failed logins of anyone would hold up everyone's.
   */
  TRUST_PROXY: z
    .string()
    .default('loopback,linklocal,uniquelocal')
    .transform(
      parsedBy(parseTrustedProxies, 'must be off, or loopback, linklocal, uniquelocal, addresses or CIDR blocks'),
    ),
  /**
   * New orders and amends an account may send per second, per API process (0: no limit); past it they are refused
   * with 429 until the second is over. Cancels are never limited: a trader can always pull orders.
   */
  ORDER_ENTRY_PER_SECOND: z.coerce.number().int().min(0).default(100),
  /** An administrator the migrate step creates (or updates), when both are set. */
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(10, { error: 'must be at least 10 characters' }).optional(),
  ADMIN_NAME: z.string().min(1).max(80).default('Administrator'),
  /** When the trading day closes (DAY orders expire), local time in MARKET_TIMEZONE; `off`: only when an admin says. */
  MARKET_CLOSE: z
    .string()
    .default('18:00')
    .refine((text) => text === 'off' || parseTimeOfDay(text) !== null, { error: 'must be HH:MM or off' }),
  /**
   * When the exchange opens on trading days, local time: new orders and amends are taken from then until
   * MARKET_CLOSE, and not on other days or hours (cancels always are); `off`: at any hour.
   */
  MARKET_OPEN: z
    .string()
    .default('off')
    .refine((text) => text === 'off' || parseTimeOfDay(text) !== null, { error: 'must be HH:MM or off' }),
  /**
   * Minutes before MARKET_OPEN (and each late opening) in which the pre-opening call auction takes orders: they rest
   * without trading until the opening, then whatever crosses trades at one price. 0: none (B3's is 15).
   */
  MARKET_PREOPENING_MINUTES: z.coerce.number().int().min(0).max(720).default(0),
  /**
   * Minutes before MARKET_CLOSE of closing call auction: orders rest without trading, and at the close whatever
   * crosses trades at one price, the closing price. 0: none (B3's is 5).
   */
  MARKET_CLOSING_CALL_MINUTES: z.coerce.number().int().min(0).max(720).default(0),
  /**
   * Seconds of reopening call auction when an administrator resumes a halted instrument in continuous trading: its
   * orders rest without trading until then, and whatever crosses trades at one price. Cut short at the closing call
   * (or the close). 0: it resumes trading at once.
   */
  MARKET_REOPENING_SECONDS: z.coerce.number().int().min(0).max(86_400).default(0),
  MARKET_TIMEZONE: z.string().default('America/Sao_Paulo').refine(isTimeZone, { error: 'must be an IANA time zone' }),
  /** The weekdays the clock closes (`mon-fri`, `sun-thu`, `mon,wed,fri`); a DAY order of another day is the next's. */
  MARKET_DAYS: z
    .string()
    .default('mon-fri')
    .transform(parsedBy(parseWeekdays, 'must be days such as mon-fri or mon,wed,fri')),
  /**
   * Local dates the exchange does not trade although their weekday is a trading one: `b3` is every holiday of B3's
   * (its rules, every year), dates add others (`b3,2026-07-09`); empty: none.
   */
  MARKET_HOLIDAYS: z
    .string()
    .default('b3')
    .transform(parsedBy(parseDates, 'must be b3 and/or dates such as 2026-02-16,2026-02-17')),
  /**
   * Trading days the exchange opens later than MARKET_OPEN, `2026-02-18@13:00`: `b3` is B3's (Ash Wednesday, from
   * 13:00, every year); empty: none.
   */
  MARKET_LATE_OPENINGS: z
    .string()
    .default('b3')
    .transform(parsedBy(parseLateOpenings, 'must be b3 and/or dates with times such as 2026-02-18@13:00')),
  /** A live stream sends a comment this often when it has nothing else to say, so proxies keep it open. */
  SSE_HEARTBEAT_MS: z.coerce.number().int().min(10).default(15_000),
  /**
   * A stream client that lets this much data pile up unsent (it reads too slowly) is disconnected, so it neither
   * holds memory nor slows the others; it resumes from its Last-Event-ID when it reconnects.
   */
  SSE_MAX_BUFFERED_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  /**
   * How many events behind the newest a reconnecting stream client may be and still be sent what it missed; one
   * further behind (or ahead, with an id from another database) is told to start over from a snapshot (`resync`),
   * so that no request makes the API read and send the whole history.
   */
  SSE_REPLAY_MAX_EVENTS: z.coerce.number().int().min(1).default(100_000),
  /** The matching engine's health URL, reported on the admin panel (unknown when unset). */
  ENGINE_HEALTH_URL: z.url().optional(),
});

export interface ApiConfig {
  readonly port: number;
  readonly host: string;
  readonly brokers: string[];
  /** TLS and SASL, for kafkajs. */
  readonly kafka: KafkaConnection;
  readonly databaseUrl: string;
  readonly databasePoolSize: number;
  readonly consumeEvents: boolean;
  readonly eventsGroupId: string;
  /** 0 when this process does not re-send pending orders. */
  readonly orderResendAfterMs: number;
  /** 0: this process does not reconcile on its own. */
  readonly reconcileEveryMs: number;
  readonly commandSendWaitMs: number;
  readonly instruments: readonly Instrument[];
  readonly logLevel: string;
  readonly fees: { readonly makerBps: number; readonly takerBps: number };
  readonly startingCash: number;
  readonly startingShares: number;
  readonly passwordHashCost: number;
  readonly sessionMs: number;
  readonly secureCookies: boolean;
  readonly loginLimit: { readonly maxFailures: number; readonly windowMs: number };
  /** Fastify's `trustProxy`: the proxies whose X-Forwarded-For names the client's address; false for none. */
  readonly trustProxy: string[] | false;
  /** New orders and amends per account per second in this process; 0: no limit. */
  readonly orderEntryPerSecond: number;
  readonly admin: { readonly email: string; readonly password: string; readonly name: string } | null;
  readonly engineHealthUrl: string | null;
  /** Null: the day closes only when an admin closes it. */
  readonly marketClose: MarketClose | null;
  /** When the exchange opens on trading days (later on some dates); null: it takes orders at any hour. */
  readonly marketOpen: MarketOpening | null;
  readonly marketTimeZone: string;
  /** How long a halted instrument's reopening call auction lasts when it resumes; 0: none. */
  readonly reopeningMs: number;
  readonly streams: {
    readonly heartbeatMs: number;
    readonly maxBufferedBytes: number;
    readonly replayMaxEvents: number;
  };
}

export const API_CONFIG = Symbol('ApiConfig');

export function loadConfig(environment: NodeJS.ProcessEnv): ApiConfig {
  const parsed = Environment.safeParse(environment);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`invalid API configuration: ${problems}`);
  }
  const env = parsed.data;
  const kafka = kafkaConnection(env, (path) => readFileSync(path, 'utf8'));
  if (typeof kafka === 'string') throw new Error(`invalid API configuration: ${kafka}`);
  const closeMinute = parseTimeOfDay(env.MARKET_CLOSE);
  const openMinute = parseTimeOfDay(env.MARKET_OPEN);
  if (openMinute !== null && (closeMinute === null || openMinute >= closeMinute)) {
    throw new Error('invalid API configuration: MARKET_OPEN: must be before MARKET_CLOSE, which must not be off');
  }
  const preOpeningMinutes = env.MARKET_PREOPENING_MINUTES;
  const closingCallMinutes = env.MARKET_CLOSING_CALL_MINUTES;
  if (
    closingCallMinutes > 0 &&
    (openMinute === null || closeMinute === null || closeMinute - closingCallMinutes <= openMinute)
  ) {
    throw new Error('invalid API configuration: MARKET_CLOSING_CALL_MINUTES: needs MARKET_OPEN, and to start after it');
  }
  if (preOpeningMinutes > 0 && (openMinute === null || openMinute < preOpeningMinutes)) {
    throw new Error(
      'invalid API configuration: MARKET_PREOPENING_MINUTES: needs MARKET_OPEN, at least as many minutes after midnight',
    );
  }
  return {
    port: env.API_PORT,
    host: env.API_HOST,
    brokers: env.KAFKA_BROKERS.split(',').map((broker) => broker.trim()),
    kafka,
    databaseUrl: env.DATABASE_URL,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    consumeEvents: env.EVENTS_CONSUMER === 'on',
    eventsGroupId: env.EVENTS_GROUP_ID,
    orderResendAfterMs: env.EVENTS_CONSUMER === 'on' ? env.ORDER_RESEND_AFTER_MS : 0,
    reconcileEveryMs: env.EVENTS_CONSUMER === 'on' ? env.RECONCILE_EVERY_MS : 0,
    commandSendWaitMs: env.COMMAND_SEND_WAIT_MS,
    instruments:
      env.INSTRUMENTS_FILE === undefined
        ? DEFAULT_INSTRUMENTS
        : InstrumentList.parse(JSON.parse(readFileSync(env.INSTRUMENTS_FILE, 'utf8'))),
    logLevel: env.LOG_LEVEL,
    fees: { makerBps: env.FEE_MAKER_BPS, takerBps: env.FEE_TAKER_BPS },
    startingCash: env.STARTING_CASH,
    startingShares: env.STARTING_SHARES,
    passwordHashCost: env.PASSWORD_HASH_COST,
    sessionMs: env.SESSION_HOURS * 3_600_000,
    secureCookies: env.COOKIE_SECURE === 'on',
    loginLimit: { maxFailures: env.LOGIN_MAX_FAILURES, windowMs: env.LOGIN_WINDOW_SECONDS * 1000 },
    trustProxy: env.TRUST_PROXY,
    orderEntryPerSecond: env.ORDER_ENTRY_PER_SECOND,
    admin:
      env.ADMIN_EMAIL !== undefined && env.ADMIN_PASSWORD !== undefined
        ? { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD, name: env.ADMIN_NAME }
        : null,
    engineHealthUrl: env.ENGINE_HEALTH_URL ?? null,
    marketClose:
      closeMinute === null
        ? null
        : {
            minute: closeMinute,
            timeZone: env.MARKET_TIMEZONE,
            weekdays: env.MARKET_DAYS,
            holidays: env.MARKET_HOLIDAYS,
          },
    marketOpen:
      openMinute === null
        ? null
        : { minute: openMinute, late: env.MARKET_LATE_OPENINGS, preOpeningMinutes, closingCallMinutes },
    marketTimeZone: env.MARKET_TIMEZONE,
    reopeningMs: env.MARKET_REOPENING_SECONDS * 1000,
    streams: {
      heartbeatMs: env.SSE_HEARTBEAT_MS,
      maxBufferedBytes: env.SSE_MAX_BUFFERED_BYTES,
      replayMaxEvents: env.SSE_REPLAY_MAX_EVENTS,
    },
  };
}
