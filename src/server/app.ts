/**
 * The HTTP server: Apollo Server 5 on express 5 at /graphql, the explorer (a single-page app) at /,
 * GraphiQL at GET /graphql for browsers, probe images and heatmaps, /healthz for readiness. Limits:
 * request body size (express.json; an imageActivations image may come beyond it, see body.ts),
 * query depth/cost/aliases/tokens (graphql-armor), page sizes (resolvers), GraphQL requests in
 * flight (503 with Retry-After beyond them).
 */
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import express, { type ErrorRequestHandler } from 'express';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { config } from '../core/config.js';
import { isDeadlineExceeded, userMessage } from '../core/errors.js';
import { packagePath } from '../core/paths.js';
import type { AtlasStore } from '../services/atlas.js';
import { createServices } from '../services/atlas-services.js';
import { createContext, type AtlasContext } from '../resolvers/context.js';
import { resolvers } from '../resolvers/index.js';
import { checkExpensiveFields, checkOperationInput, noSubscriptions } from '../resolvers/input-checks.js';
import { answerSize, answerSizeError, MAX_ANSWER_ENTRIES } from '../resolvers/answer-size.js';
import { corsMiddleware } from './cors.js';
import { explorerRouter } from './explorer.js';
import { graphiqlAssets, sendGraphiql } from './graphiql.js';
import { imageRoutes } from './images.js';
import { inFlightLimiter } from './in-flight.js';
import { graphqlBodyParser } from './body.js';
import { MAX_IMAGE_BYTES } from '../services/image-activations.js';

export const schemaDir = packagePath('src', 'schema');


export function loadTypeDefs(): string {
  return readdirSync(schemaDir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => readFileSync(join(schemaDir, f), 'utf8'))
    .join('\n');
}

export interface ServerLimits {
  /** Largest request body express accepts (e.g. '64kb'). */
  bodyLimit: string;
  maxDepth: number;
  /** Most list entries an answer may hold (the query cost limit: see resolvers/answer-size.ts). */
  maxCost: number;
  maxAliases: number;
  maxTokens: number;
  /** GraphQL requests served at once; more are answered 503 with Retry-After. */
  maxInFlight: number;
  /** A GraphQL request not answered after this many ms is answered 503 REQUEST_TIMEOUT (0: never). */
  requestTimeoutMs: number;
}

export const defaultLimits = (): ServerLimits => ({
  bodyLimit: config().bodyLimit,
  maxDepth: 10,
  // Counted in list entries, with the page sizes the query asks for (variables included): every
  // list at its documented `first` limit fits, a page of pages does not.
  maxCost: MAX_ANSWER_ENTRIES,
  maxAliases: 15,
  maxTokens: 2000,
  maxInFlight: config().maxInFlight,
  requestTimeoutMs: config().requestTimeoutMs,
});

const TIMEOUT_MESSAGE = 'the request took longer than the server allows and was stopped; try again, or ask for less (smaller pages, fewer fields)';

/** Longest /healthz waits for the database before answering that it is busy. */
const HEALTH_WAIT_MS = 250;

/**
 * HTTP status per error code (docs/graphql.md lists them), so clients and proxies see bad input as
 * 4xx and an unavailable dependency as 5xx. PAYLOAD_TOO_LARGE (413), BAD_REQUEST (400) and
 * SERVICE_UNAVAILABLE (503) are answered before Apollo, with the same statuses.
 */
export const httpStatusByCode: Readonly<Record<string, number>> = {
  BAD_USER_INPUT: 400,
  BAD_REQUEST: 400,
  GRAPHQL_PARSE_FAILED: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  OPERATION_RESOLUTION_FAILURE: 400,
  PERSISTED_QUERY_NOT_SUPPORTED: 400,
  PERSISTED_QUERY_NOT_FOUND: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  INTERNAL_SERVER_ERROR: 500,
  ENCODER_UNAVAILABLE: 503,
  MODEL_UNAVAILABLE: 503,
  REQUEST_TIMEOUT: 503,
  SERVICE_UNAVAILABLE: 503,
};

export interface AtlasServer {
  app: express.Express;
  httpServer: Server;
  apollo: ApolloServer<AtlasContext>;
  /** GraphQL requests in flight now (each holds one of `maxInFlight` slots). */
  inFlight(): number;
  /** Starts listening; resolves with the bound port. */
  listen(port: number, host?: string): Promise<number>;
  stop(): Promise<void>;
}

export async function createAtlasServer(store: AtlasStore, limits: ServerLimits = defaultLimits()): Promise<AtlasServer> {
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);
  // A kept-alive connection that the server closes just as a client reuses it fails that
  // client's request (ECONNRESET); clients close idle connections after a few seconds (fetch:
  // 4 s), so the server waits longer than they do. Node's 5 s lost that race whenever a long
  // PGlite statement held the event loop past it.
  httpServer.keepAliveTimeout = 30_000;
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth },
    // The cost limit is the answer's size in list entries (didResolveOperation below): armor's own
    // weighs depth exponentially and counts a variable page as 1, which no documented limit explains.
    costLimit: { enabled: false },
    maxAliases: { n: limits.maxAliases },
    // Token limit via graphql-js's parser (parseOptions below): armor's own parse hook would turn
    // every syntax error into a 500.
    maxTokens: { enabled: false },
    maxDirectives: { n: 20 },
  });
  const protection = armor.protect();
  const apollo = new ApolloServer<AtlasContext>({
    typeDefs: loadTypeDefs(),
    resolvers: resolvers as never,
    ...protection,
    validationRules: [...protection.validationRules, noSubscriptions],
    // Stack traces stay in the server's log, whatever NODE_ENV says.
    includeStacktraceInErrorResponses: false,
    // No automatic persisted queries: the API does not offer them, and Apollo's own refusal of a
    // mismatched hash carries no code, which would answer as an internal error.
    persistedQueries: false,
    parseOptions: { maxTokens: limits.maxTokens },
    plugins: [
      // graphql-armor's plugins are typed for the base context; they do not read ours.
      ...(protection.plugins as ApolloServerPlugin<AtlasContext>[]),
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // Apollo's default landing page loads from a CDN; we serve our own offline page instead.
      ApolloServerPluginLandingPageDisabled(),
      // Installed by default, they hook every field resolution (cache hints, federated traces);
      // the schema uses neither @cacheControl nor federation, so they would only cost time.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      {
        async requestDidStart() {
          return {
            // Once per operation, before any resolver: arguments no resolver could store or use.
            async didResolveOperation({ document, operation, request, schema }) {
              const error = checkOperationInput(document, request.variables) ?? (operation ? checkExpensiveFields(document, operation) : undefined);
              if (error) throw error;
              const size = operation ? answerSize(schema, document, operation, request.variables) : undefined;
              if (size && size.entries > limits.maxCost) throw answerSizeError(size, limits.maxCost);
            },
            async willSendResponse({ response, errors }) {
              if (response.body.kind !== 'single') return;
              // The answer's errors as formatted (with the codes Apollo gives uncoded ones).
              const list = response.body.singleResult.errors ?? errors ?? [];
              if (!list.length) return;
              // Only when the whole answer failed (no data) does the status follow the code (4xx, 500).
              const data = response.body.singleResult.data;
              if (data && Object.values(data).some((v) => v !== null)) return;
              const code = list[0]?.extensions?.code;
              const status = typeof code === 'string' ? httpStatusByCode[code] : undefined;
              // graphql-armor reports its rejections from a parse hook, which Apollo answers with 500.
              if (status && (!response.http.status || response.http.status === 200 || response.http.status === 500)) response.http.status = status;
              // A request stopped at its deadline is the server's load, not the request's fault: try again.
              if (code === 'REQUEST_TIMEOUT') response.http.headers.set('retry-after', '1');
            },
          };
        },
      },
    ],
    // An internal error is a bug: its message (SQL text, parameters, paths) goes to the log, the
    // client learns only that it happened. Coded errors (bad input, not found, ...) pass as they are.
    formatError: (formatted, error) => {
      if (formatted.extensions?.code !== 'INTERNAL_SERVER_ERROR') return formatted;
      const cause = unwrapResolverError(error);
      if (isDeadlineExceeded(cause)) {
        return { message: TIMEOUT_MESSAGE, ...(formatted.path ? { path: formatted.path } : {}), extensions: { code: 'REQUEST_TIMEOUT' } };
      }
      process.stderr.write(`atlas: internal error${formatted.path ? ` at ${formatted.path.join('.')}` : ''}: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}\n`);
      return { message: 'internal server error', ...(formatted.locations ? { locations: formatted.locations } : {}), ...(formatted.path ? { path: formatted.path } : {}), extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    },
  });
  await apollo.start();
  // Built once: the services' caches (text encoders, search) serve every request.
  const services = createServices(store);

  // Readiness answers at once, whatever the database is doing: a statement that takes long (on
  // the embedded database, one at a time) makes it report the database busy, not wait behind it.
  app.get('/healthz', async (_req, res) => {
    let timer: NodeJS.Timeout | undefined;
    const busy = new Promise<'busy'>((resolve) => (timer = setTimeout(() => resolve('busy'), HEALTH_WAIT_MS)));
    try {
      const database = await Promise.race([store.models.isEmpty().then(() => 'ok' as const), busy]);
      res.json({ status: 'ok', driver: store.driver, database });
    } catch (error) {
      res.status(503).json({ status: 'unavailable', error: userMessage(error) });
    } finally {
      clearTimeout(timer);
    }
  });
  // Before every route: preflights are answered here, and answers carry the CORS headers.
  if (config().corsOrigins === '*' || config().corsOrigins.length > 0) app.use(['/graphql', '/images', '/heatmaps'], corsMiddleware(config().corsOrigins));
  app.use(
    imageRoutes({
      image: (set, ordinal, size) => services.images.image(set, ordinal, size),
      heatmap: (layer, unit, set, ordinal, size) => services.heatmaps.heatmap(layer, unit, set, ordinal, size),
    }),
  );
  // The explorer at `/` and its views' paths (static files; no GraphQL slot is taken).
  app.use(explorerRouter());
  app.use(graphiqlAssets());
  app.get('/graphql', (req, res, next) => {
    // A browser visiting /graphql gets GraphiQL; GET queries (?query=) go to Apollo.
    if (req.query.query === undefined && req.accepts(['application/json', 'text/html']) === 'text/html') {
      sendGraphiql(res);
      return;
    }
    next();
  });
  // Load shedding before the body is read: a refused request costs no parsing. /healthz is exempt.
  const limiter = inFlightLimiter(limits.maxInFlight);
  const graphqlHandler = expressMiddleware(apollo, {
    context: async ({ req }) => createContext(services, { authorization: req.headers.authorization }),
  });
  app.use('/graphql', limiter.middleware, graphqlBodyParser(limits.bodyLimit, MAX_IMAGE_BYTES), (req, res, next) => {
    const work = Promise.resolve(graphqlHandler(req, res, next));
    (res.locals as { work?: Promise<unknown> }).work = work;
    if (!limits.requestTimeoutMs) return work;
    // The request's deadline, whatever it waits on (statements have their own, db/connection.ts):
    // its client gets 503 REQUEST_TIMEOUT now, and what Apollo writes later goes nowhere.
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      res.set('Retry-After', '1');
      res.status(503).json({ errors: [{ message: TIMEOUT_MESSAGE, extensions: { code: 'REQUEST_TIMEOUT' } }] });
      const ignore = (() => res) as never;
      Object.assign(res, { setHeader: ignore, set: ignore, status: ignore, send: ignore, json: ignore, end: ignore, write: () => true });
    }, limits.requestTimeoutMs);
    return work.finally(() => clearTimeout(timer));
  });

  // Body-parser errors (oversized or malformed JSON) as GraphQL-shaped errors, not HTML stack traces.
  const onError: ErrorRequestHandler = (err: { type?: string; status?: number; message?: string; limitText?: string }, _req, res, next) => {
    if (res.headersSent) return next(err);
    if (err.type === 'entity.too.large') {
      res.status(413).json({
        errors: [
          {
            message: `request body is larger than ${err.limitText ?? `the limit of ${limits.bodyLimit}`}`,
            extensions: { code: 'PAYLOAD_TOO_LARGE' },
          },
        ],
      });
      return;
    }
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    res.status(status).json({
      errors: [
        {
          message: status === 500 ? 'internal server error' : `bad request: ${err.message ?? 'invalid body'}`,
          extensions: { code: status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST' },
        },
      ],
    });
  };
  app.use(onError);

  return {
    app,
    httpServer,
    apollo,
    inFlight: limiter.inFlight,
    listen: (port, host = '127.0.0.1') =>
      new Promise<number>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          const address = httpServer.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
      }),
    stop: async () => {
      await apollo.stop();
      if (httpServer.listening) await new Promise<void>((r) => httpServer.close(() => r()));
      await services.release();
    },
  };
}
