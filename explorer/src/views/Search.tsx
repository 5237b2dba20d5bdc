// Search as you type: completions from `suggest`, hits from `search` with their highlighted
// fragments, kind badges, the total, facet filters with their counts, warnings, and pages.
// The URL holds the query, the filters and the page, so a search can be shared.
import { useQuery } from "@urql/preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { warningsOf } from "../client";
import { graphql } from "../gql";
import type { SearchFilter } from "../gql/graphql";
import { Highlight } from "../highlight";
import { Link, navigate, searchUrl, type Location } from "../router";
import { FACETS, facetLabel, filterOf, kindLabel, valueLabel } from "../facets";

const SuggestQuery = graphql(`
  query Suggest($prefix: String!) {
    suggest(prefix: $prefix, first: 6) {
      label
      kind
    }
  }
`);

const SearchQuery = graphql(`
  query Search($query: String!, $filter: SearchFilter, $first: Int!, $after: String) {
    search(query: $query, filter: $filter, first: $first, after: $after) {
      totalCount
      facets {
        name
        value
        count
      }
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          kind
          score
          highlights {
            field
            text
            marks {
              start
              end
            }
          }
          entity {
            __typename
            ... on Cluster {
              slug
              name
              country {
                name
              }
            }
            ... on Service {
              id
              heading
            }
            ... on ProgrammeParticipation {
              id
              asWritten
              cluster {
                slug
                name
              }
              programme {
                name
                framework
              }
            }
            ... on NewsItem {
              id
              title
              publishedOn
            }
            ... on Event {
              id
              name
              startsOn
              city
            }
          }
        }
      }
    }
  }
`);

const PAGE = 10;

type Hit = NonNullable<
  NonNullable<ReturnType<typeof useSearch>[0]["data"]>["search"]["edges"][number]["node"]
>;

function useSearch(query: string, filter: SearchFilter, after: string | null) {
  return useQuery({
    query: SearchQuery,
    variables: { query, filter, first: PAGE, after },
  });
}

/** The typed text, followed into the URL a moment after the last key. */
function useDebounced(value: string, ms: number): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export function SearchView({ location }: { location: Location }) {
  const params = location.params;
  const urlQuery = params.get("q") ?? "";
  const [text, setText] = useState(urlQuery);
  const typed = useDebounced(text, 120);
  const input = useRef<HTMLInputElement>(null);

  // Back and forward bring their own query into the box (typing changed the URL itself).
  useEffect(() => {
    if (urlQuery !== typed) setText(urlQuery);
  }, [urlQuery]);
  useEffect(() => {
    if (typed === urlQuery) return;
    const next = new URLSearchParams(params);
    if (typed) next.set("q", typed);
    else next.delete("q");
    next.delete("after");
    navigate(searchUrl(next), true);
  }, [typed]);

  const filter = filterOf(params);
  const after = params.get("after");
  const [result] = useSearch(urlQuery, filter, after);
  const [suggested] = useQuery({
    query: SuggestQuery,
    variables: { prefix: text },
    pause: text.trim().length < 2,
  });
  const suggestions = (suggested.data?.suggest ?? []).filter(
    (s) => s.label.toLowerCase() !== text.trim().toLowerCase(),
  );
  const search = result.data?.search;
  const warnings = warningsOf(result.extensions);

  const choose = (label: string) => {
    setText(label);
    input.current?.focus();
  };
  const toggle = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    const values = next.getAll(name);
    next.delete(name);
    for (const v of values) if (v !== value) next.append(name, v);
    if (!values.includes(value)) next.append(name, value);
    next.delete("after");
    navigate(searchUrl(next));
  };
  const page = (cursor: string | null) => {
    const next = new URLSearchParams(params);
    if (cursor) next.set("after", cursor);
    else next.delete("after");
    navigate(searchUrl(next));
  };

  return (
    <section aria-labelledby="search-title">
      <h1 id="search-title">Search clusters, services, programmes, news and events</h1>
      <form role="search" onSubmit={(e) => e.preventDefault()}>
        <label for="q">Search</label>
        <input
          id="q"
          ref={input}
          type="search"
          value={text}
          autocomplete="off"
          placeholder='e.g. embedded systems, "smart city", name:masit'
          onInput={(e) => setText(e.currentTarget.value)}
        />
      </form>
      {suggestions.length > 0 && (
        <nav aria-label="Suggestions" class="suggestions">
          <span>Suggestions:</span>
          {suggestions.map((s) => (
            <button type="button" key={s.kind + s.label} onClick={() => choose(s.label)}>
              {s.label} <span class="badge">{s.kind.toLowerCase()}</span>
            </button>
          ))}
        </nav>
      )}
      {warnings.length > 0 && (
        <ul class="warnings" aria-label="Warnings">
          {warnings.map((w) => (
            <li key={w.code + w.message}>
              {w.message}
              {w.code === "UNCLOSED_QUOTE" && (
                <>
                  {" "}
                  <button type="button" onClick={() => choose(`${text.trimEnd()}"`)}>
                    Did you mean {text.trimEnd()}"?
                  </button>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      {result.error && <p role="alert">Search failed: {result.error.message}</p>}
      <div class="search-layout">
        <aside aria-label="Filters" class="facets">
          {search && <Facets facets={search.facets} params={params} toggle={toggle} />}
        </aside>
        <div>
          <p class="total" aria-live="polite">
            {search
              ? `${search.totalCount === 1 ? "1 result" : `${search.totalCount} results`}`
              : result.fetching
                ? "Searching…"
                : ""}
          </p>
          <ol class="hits">
            {search?.edges.map((edge) => (
              <HitItem key={edge.cursor} hit={edge.node} />
            ))}
          </ol>
          <nav aria-label="Pages" class="pager">
            {after && (
              <button type="button" onClick={() => page(null)}>
                First page
              </button>
            )}
            {search?.pageInfo.hasNextPage && (
              <button type="button" onClick={() => page(search.pageInfo.endCursor ?? null)}>
                Next page
              </button>
            )}
          </nav>
        </div>
      </div>
    </section>
  );
}

function Facets({
  facets,
  params,
  toggle,
}: {
  facets: ReadonlyArray<{ name: string; value: string; count: number }>;
  params: URLSearchParams;
  toggle: (name: string, value: string) => void;
}) {
  return (
    <>
      {FACETS.map((name) => {
        const values = facets.filter((f) => f.name === name).slice(0, 8);
        const chosen = params.getAll(name);
        // A chosen value stays on screen, with no count, so it can be turned off.
        for (const value of chosen)
          if (!values.some((v) => v.value === value)) values.push({ name, value, count: 0 });
        if (values.length === 0) return null;
        return (
          <fieldset key={name}>
            <legend>{facetLabel(name)}</legend>
            {values.map((f) => {
              const id = `facet-${name}-${f.value}`.replace(/[^A-Za-z0-9_-]/g, "_");
              return (
                <div key={f.value} class="facet">
                  <input
                    type="checkbox"
                    id={id}
                    checked={chosen.includes(f.value)}
                    onChange={() => toggle(name, f.value)}
                  />
                  <label for={id}>
                    {valueLabel(name, f.value)}{" "}
                    <span class="count">{f.count}</span>
                  </label>
                </div>
              );
            })}
          </fieldset>
        );
      })}
    </>
  );
}

function HitItem({ hit }: { hit: Hit }) {
  const entity = hit.entity;
  let title = "(gone)";
  let href: string | null = null;
  let meta = "";
  switch (entity?.__typename) {
    case "Cluster":
      title = entity.name;
      href = `/clusters/${entity.slug}`;
      meta = entity.country?.name ?? "";
      break;
    case "Service":
      title = entity.heading ?? "Support services";
      break;
    case "ProgrammeParticipation":
      title = entity.programme?.name ?? entity.asWritten;
      href = entity.cluster ? `/clusters/${entity.cluster.slug}` : null;
      meta = [entity.programme?.framework, entity.cluster?.name].filter(Boolean).join(" · ");
      break;
    case "NewsItem":
      title = entity.title ?? "(untitled news)";
      href = `/news/${encodeURIComponent(entity.id)}`;
      meta = entity.publishedOn ?? "undated";
      break;
    case "Event":
      title = entity.name;
      href = "/events";
      meta = [entity.startsOn, entity.city].filter(Boolean).join(" · ");
      break;
  }
  return (
    <li class="hit">
      <span class={`badge kind-${hit.kind.toLowerCase()}`}>{kindLabel(hit.kind)}</span>{" "}
      {href ? <Link href={href}>{title}</Link> : <strong>{title}</strong>}
      {meta && <span class="meta"> {meta}</span>}
      {hit.highlights.map((h, i) => (
        <p class="fragment" key={i}>
          <span class="field">{h.field}:</span> <Highlight text={h.text} marks={h.marks} />
        </p>
      ))}
    </li>
  );
}
