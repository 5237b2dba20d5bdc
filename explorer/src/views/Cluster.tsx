// A cluster's profile in one request: every section of its page, the latest news naming it,
// and the partners `similar` suggests with their reasons.
import { useQuery } from "@urql/preact";
import { Fragment } from "preact";
import { useEffect } from "preact/hooks";
import { graphql } from "../gql";
import type { MatchReasonKind, TaxonomyKind } from "../gql/graphql";
import { known, longDate, plural, yesNo } from "../format";
import { Link } from "../router";
import { humane, titleOf } from "../format";

const ClusterQuery = graphql(`
  query ClusterProfile($slug: String!) {
    cluster(slug: $slug) {
      slug
      name
      nativeName
      country {
        code
        name
      }
      region
      established
      staffCount
      staffRange {
        min
        max
      }
      contactPerson
      excellenceLabel
      otherLabels
      escpMembership
      sourceUrl
      specialisation
      upskillingServices
      scaleUpFacilities
      majorPlayers
      collaboratesWith
      formalisedStrategy
      internationalisationStrategy
      contacts {
        role
        name
        phone
        email
      }
      terms {
        kind
        name
      }
      composition {
        total
        sme
        largeCompanies
        researchOrganisations
        otherActors
        startups
        civilSociety
      }
      strategy
      objectives
      services {
        id
        heading
        items
      }
      programmes {
        id
        scope
        asWritten
        programme {
          name
          title
          framework
        }
      }
      cooperation {
        scope
        countries {
          code
          name
        }
        activities
      }
      networks {
        basis
        asWritten
        network {
          slug
          name
        }
      }
      news(first: 5) {
        totalCount
        nodes {
          id
          title
          publishedOn
          dateSuspect
          body
        }
      }
      similar(first: 5) {
        score
        cluster {
          slug
          name
          country {
            name
          }
        }
        reasons {
          kind
          taxonomy
          value
          weight
        }
      }
    }
  }
`);

const TAXONOMIES: Record<TaxonomyKind, string> = {
  SECTOR: "Sectors",
  TECHNOLOGY_FIELD: "Technology fields",
  S3_PRIORITY: "S3 priorities",
  EMERGING_INDUSTRY: "Emerging industries",
  SERVICE_TYPE: "Service types",
  ACTIVITY_TYPE: "Activity types",
  LANGUAGE: "Languages",
};

const REASONS: Record<MatchReasonKind, string> = {
  TERM: "shares",
  TARGET_COUNTRY: "targets the same country",
  BASED_IN_TARGET_COUNTRY: "is based in a country it targets",
  STRATEGY_WORD: "strategy mentions",
};

export function ClusterView({ slug }: { slug: string }) {
  const [result] = useQuery({ query: ClusterQuery, variables: { slug } });
  const cluster = result.data?.cluster;
  useEffect(() => {
    if (cluster) document.title = `${cluster.name} · Cluster Atlas Explorer`;
  }, [cluster?.name]);
  if (result.fetching && !cluster) return <p aria-live="polite">Loading…</p>;
  if (result.error) return <p role="alert">Could not load the cluster: {result.error.message}</p>;
  if (!cluster) return <p role="alert">No cluster “{slug}”.</p>;

  const c = cluster.composition;
  const staff = cluster.staffCount ?? (cluster.staffRange
    ? `${cluster.staffRange.min}–${cluster.staffRange.max ?? "more"}`
    : null);
  const byKind = new Map<TaxonomyKind, string[]>();
  for (const t of cluster.terms) byKind.set(t.kind, [...(byKind.get(t.kind) ?? []), t.name]);

  return (
    <article class="profile" aria-labelledby="cluster-name">
      <h1 id="cluster-name">{cluster.name}</h1>
      {cluster.nativeName && <p class="native">{cluster.nativeName}</p>}

      <section aria-labelledby="general">
        <h2 id="general">General information</h2>
        <dl class="facts">
          <dt>Country</dt>
          <dd>{cluster.country?.name ?? "unknown"}</dd>
          <dt>Region</dt>
          <dd>{known(cluster.region)}</dd>
          <dt>Founded</dt>
          <dd data-fact="established">{longDate(cluster.established)}</dd>
          <dt>Staff</dt>
          <dd>{known(staff)}</dd>
          <dt>Excellence label</dt>
          <dd>{cluster.excellenceLabel?.toLowerCase() ?? "none"}</dd>
          {cluster.otherLabels.length > 0 && (
            <>
              <dt>Other labels</dt>
              <dd>{cluster.otherLabels.join(", ")}</dd>
            </>
          )}
          <dt>ESCP membership</dt>
          <dd>{known(cluster.escpMembership)}</dd>
          <dt>Formalised strategy</dt>
          <dd>{yesNo(cluster.formalisedStrategy)}</dd>
          <dt>Internationalisation strategy</dt>
          <dd>{yesNo(cluster.internationalisationStrategy)}</dd>
          {cluster.sourceUrl && (
            <>
              <dt>Source</dt>
              <dd>
                <a href={cluster.sourceUrl} rel="noreferrer">
                  {cluster.sourceUrl}
                </a>
              </dd>
            </>
          )}
        </dl>
      </section>

      <section aria-labelledby="contacts">
        <h2 id="contacts">Contacts</h2>
        <p data-fact="contacts">{plural(cluster.contacts.length, "contact")}</p>
        <ul>
          {cluster.contacts.map((p, i) => (
            <li key={i}>
              <strong>{p.role}</strong>
              {p.name && ` ${p.name}`}
              {p.phone && <> · {p.phone}</>}
              {p.email && (
                <>
                  {" · "}
                  <a href={`mailto:${p.email}`}>{p.email}</a>
                </>
              )}
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="taxonomies">
        <h2 id="taxonomies">Taxonomies</h2>
        {byKind.size === 0 && <p>none given</p>}
        <dl class="facts">
          {[...byKind].map(([kind, names]) => (
            <Fragment key={kind}>
              <dt>{TAXONOMIES[kind]}</dt>
              <dd>{names.join(", ")}</dd>
            </Fragment>
          ))}
        </dl>
      </section>

      <section aria-labelledby="composition">
        <h2 id="composition">Composition</h2>
        <dl class="facts">
          <dt>Total members</dt>
          <dd>{known(c.total)}</dd>
          <dt>SMEs</dt>
          <dd>{known(c.sme)}</dd>
          <dt>Large companies</dt>
          <dd>{known(c.largeCompanies)}</dd>
          <dt>Research organisations</dt>
          <dd>{known(c.researchOrganisations)}</dd>
          <dt>Start-ups</dt>
          <dd>{known(c.startups)}</dd>
          <dt>Civil society</dt>
          <dd>{known(c.civilSociety)}</dd>
          <dt>Other actors</dt>
          <dd>{known(c.otherActors)}</dd>
        </dl>
      </section>

      <section aria-labelledby="strategy">
        <h2 id="strategy">Strategy and objectives</h2>
        <p>{cluster.strategy ?? "No strategy given."}</p>
        {cluster.objectives.length > 0 && (
          <ul>
            {cluster.objectives.map((o, i) => (
              <li key={i}>{o}</li>
            ))}
          </ul>
        )}
        {cluster.specialisation.length > 0 && <p>Specialisation: {cluster.specialisation.join(", ")}</p>}
        {cluster.majorPlayers && <p>Major players: {cluster.majorPlayers}</p>}
        {cluster.scaleUpFacilities && <p>Scale-up facilities: {cluster.scaleUpFacilities}</p>}
        {cluster.collaboratesWith && <p>Collaborates with: {cluster.collaboratesWith}</p>}
      </section>

      <section aria-labelledby="services">
        <h2 id="services">Services</h2>
        {cluster.services.length === 0 && <p>none given</p>}
        {cluster.services.map((s) => (
          <div key={s.id}>
            <h3>{s.heading ?? "Services"}</h3>
            <ul>
              {s.items.map((item, i) => (
                <li key={i}>{item}</li>
              ))}
            </ul>
          </div>
        ))}
        {cluster.upskillingServices.length > 0 && (
          <p>Upskilling: {cluster.upskillingServices.join(", ")}</p>
        )}
      </section>

      <section aria-labelledby="programmes">
        <h2 id="programmes">Programmes</h2>
        <p data-fact="programmes">{plural(cluster.programmes.length, "programme")}</p>
        <ul>
          {cluster.programmes.map((p) => (
            <li key={p.id}>
              {p.programme?.name ?? p.asWritten}
              {p.programme?.framework && <span class="badge">{p.programme.framework}</span>}{" "}
              <span class="meta">{p.scope.toLowerCase()}</span>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="cooperation">
        <h2 id="cooperation">Cooperation targets</h2>
        {cluster.cooperation.length === 0 && <p>none given</p>}
        <ul>
          {cluster.cooperation.map((t, i) => (
            <li key={i}>
              <strong>{t.scope.toLowerCase()}</strong>
              {t.countries.length > 0 && `: ${t.countries.map((x) => x.name).join(", ")}`}
              {t.activities.length > 0 && <span class="meta"> ({t.activities.join(", ")})</span>}
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="networks">
        <h2 id="networks">Networks</h2>
        {cluster.networks.length === 0 && <p>none</p>}
        <ul>
          {cluster.networks.map((m, i) => (
            <li key={i}>
              {m.network ? <Link href={`/networks/${m.network.slug}`}>{m.network.name}</Link> : m.asWritten}{" "}
              <span class="meta">{humane(m.basis)}</span>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="news">
        <h2 id="news">Latest news</h2>
        {cluster.news.totalCount === 0 && <p>No news names it.</p>}
        <ul>
          {cluster.news.nodes.map((n) => (
            <li key={n.id}>
              <Link href={`/news/${encodeURIComponent(n.id)}`}>{titleOf(n)}</Link>{" "}
              <span class="meta">
                {longDate(n.publishedOn)}
                {n.dateSuspect && " (date doubtful)"}
              </span>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="similar">
        <h2 id="similar">Similar clusters</h2>
        {cluster.similar.length === 0 && <p>No partner suggested.</p>}
        <ul class="similar">
          {cluster.similar.map((s) => (
            <li key={s.cluster.slug}>
              <Link href={`/clusters/${s.cluster.slug}`}>{s.cluster.name}</Link>
              {s.cluster.country && <span class="meta"> {s.cluster.country.name}</span>}
              <ul class="reasons" aria-label={`Why ${s.cluster.name}`}>
                {s.reasons.map((r, i) => (
                  <li key={i}>
                    {REASONS[r.kind]} {r.taxonomy ? `${TAXONOMIES[r.taxonomy].toLowerCase()}: ` : ""}
                    <strong>{r.value}</strong>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      </section>
    </article>
  );
}
