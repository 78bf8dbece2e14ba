/**
 * GraphiQL for the atlas at GET /graphql: schema documentation and completion (from
 * introspection), the example queries as tabs, and a headers editor prefilled with the API-key
 * template that mutations need. Everything it loads comes from this server.
 */
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { EXAMPLES } from '../../src/server/ide-examples.js';

/** Sent with every request of a tab; the server reads it only for mutations. */
const HEADERS = JSON.stringify({ Authorization: 'Bearer <ATLAS_API_KEY>' }, null, 2);

const tabs = Object.entries(EXAMPLES).map(([name, example]) => ({
  query: example.query.startsWith('#') ? example.query : `# ${name}\n${example.query}`,
  variables: example.variables,
  headers: HEADERS,
}));

const fetcher = createGraphiQLFetcher({ url: new URL('/graphql', window.location.href).href });

createRoot(document.getElementById('graphiql')!).render(
  createElement(GraphiQL, {
    fetcher,
    defaultTabs: tabs,
    defaultHeaders: HEADERS,
    defaultEditorToolsVisibility: 'variables',
    isHeadersEditorEnabled: true,
  }),
);
