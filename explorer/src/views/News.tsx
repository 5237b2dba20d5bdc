// A news item: its text with the clusters and networks it names marked, and linked.
import { useQuery } from "@urql/preact";
import { graphql } from "../gql";
import { Highlight, markNames } from "../highlight";
import { longDate, titleOf } from "../format";
import { Link } from "../router";

const NewsQuery = graphql(`
  query NewsPage($id: ID!) {
    node(id: $id) {
      __typename
      ... on NewsItem {
        id
        title
        publishedOn
        publishedAs
        dateSuspect
        author
        body
        sourceUrl
        publisher {
          slug
          name
        }
        filedUnder {
          slug
          name
        }
        mentions {
          name
          cluster {
            slug
            name
          }
          network {
            slug
            name
          }
        }
      }
    }
  }
`);

export function NewsView({ id }: { id: string }) {
  const [result] = useQuery({ query: NewsQuery, variables: { id } });
  const item = result.data?.node?.__typename === "NewsItem" ? result.data.node : null;
  if (result.fetching && !item) return <p aria-live="polite">Loading…</p>;
  if (result.error) return <p role="alert">Could not load the news item: {result.error.message}</p>;
  if (!item) return <p role="alert">No such news item.</p>;
  const names = item.mentions.map((m) => m.name);
  return (
    <article aria-labelledby="news-title">
      <h1 id="news-title">{titleOf(item)}</h1>
      <p class="meta">
        {item.publishedOn ? longDate(item.publishedOn) : "undated"}
        {item.dateSuspect && <span class="badge warn">date doubtful: “{item.publishedAs}”</span>}
        {item.author && ` · ${item.author}`}
        {item.publisher && (
          <>
            {" · "}
            <Link href={`/networks/${item.publisher.slug}`}>{item.publisher.name}</Link>
          </>
        )}
      </p>
      {item.mentions.length > 0 && (
        <section aria-labelledby="mentions">
          <h2 id="mentions">Named in this item</h2>
          <ul>
            {item.mentions.map((m, i) => (
              <li key={i}>
                {m.cluster ? (
                  <Link href={`/clusters/${m.cluster.slug}`}>{m.cluster.name}</Link>
                ) : m.network ? (
                  <Link href={`/networks/${m.network.slug}`}>{m.network.name}</Link>
                ) : (
                  m.name
                )}
                {m.name !== (m.cluster?.name ?? m.network?.name) && <span class="meta"> as “{m.name}”</span>}
              </li>
            ))}
          </ul>
        </section>
      )}
      <div class="body">
        {item.body.split(/\n{2,}/).map((para, i) => (
          <p key={i}>
            <Highlight {...markNames(para, names)} />
          </p>
        ))}
      </div>
      <p>
        <a href={item.sourceUrl} rel="noreferrer">
          Source
        </a>
      </p>
    </article>
  );
}
