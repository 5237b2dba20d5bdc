// Events, upcoming and past, grouped by series.
import { useQuery } from "@urql/preact";
import { graphql } from "../gql";
import { longDate } from "../format";

const EventsQuery = graphql(`
  query EventsPage($today: Date!) {
    upcoming: events(filter: { from: $today }, first: 100) {
      totalCount
      nodes {
        ...EventFields
      }
    }
    past: events(filter: { to: $today }, orderBy: DESC, first: 100) {
      totalCount
      nodes {
        ...EventFields
      }
    }
  }
  fragment EventFields on Event {
    id
    name
    startsOn
    endsOn
    city
    venue
    country {
      name
    }
    organiser
    series {
      slug
      name
    }
  }
`);

interface EventRow {
  id: string;
  name: string;
  startsOn: string;
  endsOn: string;
  city?: string | null;
  venue?: string | null;
  country?: { name: string } | null;
  series?: { slug: string; name: string } | null;
}

const today = new Date().toISOString().slice(0, 10);

export function EventsView() {
  const [result] = useQuery({ query: EventsQuery, variables: { today } });
  if (result.fetching && !result.data) return <p aria-live="polite">Loading…</p>;
  if (result.error) return <p role="alert">Could not load the events: {result.error.message}</p>;
  const upcoming = (result.data?.upcoming.nodes ?? []) as EventRow[];
  const past = ((result.data?.past.nodes ?? []) as EventRow[]).filter((e) => e.startsOn < today);
  return (
    <article aria-labelledby="events-title">
      <h1 id="events-title">Events</h1>
      <section aria-labelledby="upcoming">
        <h2 id="upcoming">Upcoming ({upcoming.length})</h2>
        <BySeries events={upcoming} />
      </section>
      <section aria-labelledby="past">
        <h2 id="past">Past ({past.length})</h2>
        <BySeries events={past} />
      </section>
    </article>
  );
}

function BySeries({ events }: { events: EventRow[] }) {
  if (events.length === 0) return <p>none</p>;
  const groups = new Map<string, EventRow[]>();
  for (const e of events) {
    const key = e.series?.name ?? "Other events";
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  return (
    <>
      {[...groups].map(([series, list]) => (
        <div key={series}>
          <h3>{series}</h3>
          <ul>
            {list.map((e) => (
              <li key={e.id}>
                <strong>{e.name}</strong>{" "}
                <span class="meta">
                  {longDate(e.startsOn)}
                  {e.endsOn !== e.startsOn && ` – ${longDate(e.endsOn)}`}
                  {[e.venue, e.city, e.country?.name].filter(Boolean).length > 0 &&
                    ` · ${[e.venue, e.city, e.country?.name].filter(Boolean).join(", ")}`}
                </span>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </>
  );
}
