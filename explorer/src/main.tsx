// The Explorer: a client of Cluster Atlas's public GraphQL API only. Each view has its own
// URL; the server answers every one of them with this page.
import { render } from "preact";
import { lazy, Suspense } from "preact/compat";
import { useEffect, useRef } from "preact/hooks";
import { Provider } from "@urql/preact";
import { client } from "./client";
import { Link, useLocation, type Location } from "./router";
import { SearchView } from "./views/Search";
import { ClusterView } from "./views/Cluster";
import { NetworkView } from "./views/Network";
import { NewsView } from "./views/News";
import { EventsView } from "./views/Events";
import "./style.css";

// The map's shapes are most of its weight: loaded when the map is opened.
const MapView = lazy(() => import("./views/Map").then((m) => ({ default: m.MapView })));

function View({ location }: { location: Location }) {
  const [, first, second] = location.path.split("/").map(decodeURIComponent);
  switch (first) {
    case "":
    case "search":
      return <SearchView location={location} />;
    case "clusters":
      return second ? <ClusterView slug={second} /> : <NotFound />;
    case "networks":
      return second ? <NetworkView slug={second} /> : <NotFound />;
    case "news":
      return second ? <NewsView id={second} /> : <NotFound />;
    case "events":
      return <EventsView />;
    case "map":
      return (
        <Suspense fallback={<p aria-live="polite">Loading the map…</p>}>
          <MapView location={location} />
        </Suspense>
      );
    default:
      return <NotFound />;
  }
}

function NotFound() {
  return (
    <p role="alert">
      Nothing here. <Link href="/">Search</Link>
    </p>
  );
}

function App() {
  const location = useLocation();
  const main = useRef<HTMLElement>(null);
  // A new view: back to the top, the title reset until the view names itself, and the
  // focus on the content (the link followed is gone), as a page load would. `/` and
  // `/search` are one view: typing there must keep the focus in the box.
  const view = location.path === "/" ? "/search" : location.path;
  const shown = useRef<string | null>(null);
  useEffect(() => {
    if (shown.current === view) return;
    const first = shown.current === null;
    shown.current = view;
    window.scrollTo(0, 0);
    document.title = "Cluster Atlas Explorer";
    if (!first) main.current?.focus({ preventScroll: true });
  }, [view]);
  const here = (prefix: string) =>
    location.path === prefix || (prefix === "/search" && location.path === "/") ? "page" : undefined;
  return (
    <Provider value={client}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header>
        <Link href="/" class="brand">
          Cluster Atlas Explorer
        </Link>
        <nav aria-label="Views">
          <Link href="/search" aria-current={here("/search")}>
            Search
          </Link>
          <Link href="/map" aria-current={here("/map")}>
            Map
          </Link>
          <Link href="/events" aria-current={here("/events")}>
            Events
          </Link>
          <a href="/graphql">GraphiQL</a>
        </nav>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <View location={location} />
      </main>
    </Provider>
  );
}

render(<App />, document.getElementById("app")!);
