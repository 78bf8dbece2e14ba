/** The explorer's frame (skip link, navigation, main) and its routes. */
import { Empty, Heading, useTitle } from './components';
import { href, navigate, useLocation } from './router';
import { Browse } from './views/Browse';
import { Compare } from './views/Compare';
import { Import } from './views/Import';
import { NeuronPage } from './views/Neuron';
import { Rescore } from './views/Rescore';
import { Search } from './views/Search';

const NAV = [
  { path: '/', text: 'Browse' },
  { path: '/search', text: 'Search' },
  { path: '/compare', text: 'Compare' },
  { path: '/rescore', text: 'Rescore' },
  { path: '/import', text: 'Import' },
];

function route(path: string) {
  if (path === '/' || path === '/index.html') return <Browse />;
  if (path === '/search') return <Search />;
  if (path === '/compare') return <Compare />;
  if (path === '/rescore') return <Rescore />;
  if (path === '/import') return <Import />;
  const neuron = /^\/neurons\/([^/]+)\/([^/]+)\/([^/]+)\/([^/]+)\/?$/.exec(path);
  if (neuron) return <NeuronPage key={path} params={neuron.slice(1).map(decodeURIComponent)} />;
  return <NotFound />;
}

function NotFound() {
  useTitle('Not found');
  return (
    <>
      <Heading>Not found</Heading>
      <Empty>
        Nothing lives at this address. <a href="/">Browse the atlas</a>.
      </Empty>
    </>
  );
}

export function App() {
  const { path } = useLocation();
  const section = path.startsWith('/neurons/') ? '/' : path;
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="/">
          Neuron atlas
        </a>
        <nav aria-label="Views">
          <ul>
            {NAV.map((item) => (
              <li key={item.path}>
                <a href={item.path} aria-current={section === item.path ? 'page' : undefined}>
                  {item.text}
                </a>
              </li>
            ))}
            <li>
              <a href="/graphql">GraphQL</a>
            </li>
          </ul>
        </nav>
        {path !== '/search' && (
          <form
            class="quick"
            role="search"
            action="/search"
            method="get"
            aria-label="Search the atlas"
            onSubmit={(event) => {
              event.preventDefault();
              const q = new FormData(event.currentTarget).get('q');
              if (typeof q === 'string' && q.trim()) navigate(href('/search', { q: q.trim() }));
            }}
          >
            <input type="search" name="q" aria-label="Search concepts" placeholder="Search concepts" />
          </form>
        )}
      </header>
      <main id="main" key={path} tabIndex={-1}>
        {route(path)}
      </main>
      <footer class="muted">
        <a href={href('/graphql')}>GraphQL API</a>
      </footer>
    </>
  );
}
