// A network or partnership: its facts, members, the clusters listed as partners, and its
// news as a timeline, dates the importer doubted shown as such.
import { useQuery } from "@urql/preact";
import { graphql } from "../gql";
import { known, longDate } from "../format";
import { Link } from "../router";
import { humane, titleOf } from "../format";

const NetworkQuery = graphql(`
  query NetworkPage($slug: String!) {
    network(slug: $slug) {
      slug
      name
      kind
      label
      website
      description
      coordinator
      email
      foundedYear
      memberOrganisations
      listedMembers
      members {
        basis
        asWritten
        cluster {
          slug
          name
          country {
            name
          }
        }
      }
      news(first: 50) {
        totalCount
        nodes {
          id
          title
          publishedOn
          publishedAs
          dateSuspect
          body
        }
      }
    }
  }
`);

export function NetworkView({ slug }: { slug: string }) {
  const [result] = useQuery({ query: NetworkQuery, variables: { slug } });
  const network = result.data?.network;
  if (result.fetching && !network) return <p aria-live="polite">Loading…</p>;
  if (result.error) return <p role="alert">Could not load the network: {result.error.message}</p>;
  if (!network) return <p role="alert">No network “{slug}”.</p>;
  const members = network.members.filter((m) => m.cluster);
  const linked = new Set(members.map((m) => m.asWritten));
  const partners = network.listedMembers.filter((name) => !linked.has(name));
  // Newest first; undated items last.
  const news = [...network.news.nodes].sort((a, b) =>
    (b.publishedOn ?? "").localeCompare(a.publishedOn ?? ""),
  );
  return (
    <article aria-labelledby="network-name">
      <h1 id="network-name">{network.name}</h1>
      <p>
        <span class="badge">{network.kind.toLowerCase()}</span> {network.label}
      </p>
      {network.description && <p>{network.description}</p>}
      <dl class="facts">
        <dt>Founded</dt>
        <dd>{known(network.foundedYear)}</dd>
        <dt>Coordinator</dt>
        <dd>{known(network.coordinator)}</dd>
        <dt>Member organisations</dt>
        <dd>{known(network.memberOrganisations)}</dd>
        {network.website && (
          <>
            <dt>Website</dt>
            <dd>
              <a href={network.website} rel="noreferrer">
                {network.website}
              </a>
            </dd>
          </>
        )}
      </dl>
      <section aria-labelledby="members">
        <h2 id="members">Member clusters</h2>
        {members.length === 0 && <p>No member cluster in the atlas.</p>}
        <ul>
          {members.map((m) => (
            <li key={m.cluster!.slug}>
              <Link href={`/clusters/${m.cluster!.slug}`}>{m.cluster!.name}</Link>
              <span class="meta"> {m.cluster!.country?.name} · {humane(m.basis)}</span>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="partners">
        <h2 id="partners">Other listed members and partners</h2>
        {partners.length === 0 && <p>none</p>}
        <ul>
          {partners.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="timeline">
        <h2 id="timeline">News timeline</h2>
        <p>{network.news.totalCount} items</p>
        <ol class="timeline">
          {news.map((n) => (
            <li key={n.id} class={n.dateSuspect ? "suspect" : undefined}>
              <time dateTime={n.publishedOn ?? undefined}>{n.publishedOn ? longDate(n.publishedOn) : "undated"}</time>
              {n.dateSuspect && (
                <span class="badge warn" title={`The page says “${n.publishedAs ?? ""}”`}>
                  date doubtful
                </span>
              )}{" "}
              <Link href={`/news/${encodeURIComponent(n.id)}`}>{titleOf(n)}</Link>
            </li>
          ))}
        </ol>
      </section>
    </article>
  );
}
