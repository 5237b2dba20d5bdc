// Clusters per country as a choropleth of Europe (Natural Earth's public-domain shapes from
// the `world-atlas` package, bundled: nothing is fetched from elsewhere), and the clusters
// per sector of the chosen country as bars. Choosing a country keeps it in the URL and
// links to the search filtered by it.
import { useQuery } from "@urql/preact";
import { feature } from "topojson-client";
import type { Topology, GeometryCollection } from "topojson-specification";
import type { Feature, Geometry, Position } from "geojson";
import world from "world-atlas/countries-110m.json";
import { graphql } from "../gql";
import { countryName } from "../facets";
import { longDate, plural } from "../format";
import { Link, navigate, searchUrl, type Location } from "../router";

const CountsQuery = graphql(`
  query MapCounts($filter: SearchFilter) {
    search(query: "", kinds: [CLUSTER], filter: $filter, first: 1) {
      totalCount
      facets {
        name
        value
        count
      }
    }
  }
`);

const EventsQuery = graphql(`
  query MapEvents($country: [String!]) {
    events(filter: { country: $country }, orderBy: DESC, first: 5) {
      totalCount
      nodes {
        id
        name
        startsOn
        city
        series {
          name
        }
      }
    }
  }
`);

// Where events take place: their countries, counted here (the API has no event facets).
const EventPlacesQuery = graphql(`
  query MapEventPlaces {
    events(first: 100) {
      nodes {
        country {
          code
        }
      }
    }
  }
`);

/** ISO 3166 numeric (Natural Earth's ids) to the alpha-2 codes the API uses. */
const ALPHA2: Record<string, string> = {
  "008": "AL", "020": "AD", "040": "AT", "112": "BY", "056": "BE", "070": "BA", "100": "BG",
  "191": "HR", "196": "CY", "203": "CZ", "208": "DK", "233": "EE", "246": "FI", "250": "FR",
  "276": "DE", "300": "GR", "348": "HU", "352": "IS", "372": "IE", "380": "IT", "428": "LV",
  "438": "LI", "440": "LT", "442": "LU", "470": "MT", "498": "MD", "492": "MC", "499": "ME",
  "528": "NL", "807": "MK", "578": "NO", "616": "PL", "620": "PT", "642": "RO", "643": "RU",
  "674": "SM", "688": "RS", "703": "SK", "705": "SI", "724": "ES", "752": "SE", "756": "CH",
  "804": "UA", "826": "GB", "792": "TR", "268": "GE", "051": "AM", "031": "AZ", "376": "IL",
  "788": "TN", "504": "MA", "818": "EG", "012": "DZ", "422": "LB", "400": "JO",
};

// Europe, longitude -25..45 and latitude 34..72, equirectangular scaled at 52°N.
const WEST = -25, EAST = 45, SOUTH = 34, NORTH = 72;
const SCALE = Math.cos((52 * Math.PI) / 180);
const WIDTH = (EAST - WEST) * SCALE * 10;
const HEIGHT = (NORTH - SOUTH) * 10;

const point = ([lon, lat]: Position) =>
  `${((lon - WEST) * SCALE * 10).toFixed(1)},${((NORTH - lat) * 10).toFixed(1)}`;
/** A ring as a path, or nothing when it is out of view. A ring across the antimeridian
 * (Russia's) is unwrapped eastwards, or it would draw a band across the map. */
function ring(wrapped: Position[]): string {
  const span = (ps: Position[]) => Math.max(...ps.map(([lon]) => lon)) - Math.min(...ps.map(([lon]) => lon));
  const r = span(wrapped) > 180 ? wrapped.map(([lon, lat]) => [lon < 0 ? lon + 360 : lon, lat]) : wrapped;
  const lons = r.map(([lon]) => lon);
  const lats = r.map(([, lat]) => lat);
  const west = Math.min(...lons), east = Math.max(...lons);
  if (east - west > 180) return "";
  if (east < WEST || west > EAST + 30 || Math.max(...lats) < SOUTH || Math.min(...lats) > NORTH) return "";
  return `M${r.map(point).join("L")}Z`;
}

function pathOf(geometry: Geometry | null): string {
  if (!geometry) return "";
  if (geometry.type === "Polygon") return geometry.coordinates.map(ring).join("");
  if (geometry.type === "MultiPolygon")
    return geometry.coordinates.map((p) => p.map(ring).join("")).join("");
  return "";
}

interface Country {
  code: string | null;
  name: string;
  d: string;
}

const topology = world as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
const COUNTRIES: Country[] = (
  feature(topology, topology.objects.countries).features as Feature<Geometry, { name: string }>[]
)
  .map((f) => ({
    code: f.properties.name === "Kosovo" ? "XK" : ALPHA2[String(f.id)] ?? null,
    name: f.properties.name,
    d: pathOf(f.geometry),
  }))
  .filter((c) => c.d !== "");

// Countries with events but no cluster.
const EVENTS_ONLY = "#f3d9a4";
// Five blues, light to dark (dark enough for contrast with white borders).
const SHADES = ["#cfe0f3", "#9ec2e6", "#6aa0d5", "#3a7cc0", "#155a9e"];

export function MapView({ location }: { location: Location }) {
  const chosen = location.params.get("country");
  const [all] = useQuery({ query: CountsQuery, variables: { filter: {} } });
  const [picked] = useQuery({
    query: CountsQuery,
    variables: { filter: chosen ? { country: [chosen] } : {} },
  });
  const [events] = useQuery({
    query: EventsQuery,
    variables: { country: chosen ? [chosen] : null },
    pause: !chosen,
  });
  const [places] = useQuery({ query: EventPlacesQuery });
  const eventsIn = new Map<string, number>();
  for (const e of places.data?.events.nodes ?? [])
    if (e.country) eventsIn.set(e.country.code, (eventsIn.get(e.country.code) ?? 0) + 1);
  const perCountry = new Map<string, number>();
  for (const f of all.data?.search.facets ?? [])
    if (f.name === "country") perCountry.set(f.value, f.count);
  const most = Math.max(1, ...perCountry.values());
  const shade = (n: number) => SHADES[Math.min(SHADES.length - 1, Math.floor((n / most) * SHADES.length - 1e-9))];
  const sectors = (picked.data?.search.facets ?? []).filter((f) => f.name === "sector").slice(0, 12);
  const mostSector = Math.max(1, ...sectors.map((s) => s.count));
  const chosenName = chosen ? countryName(chosen) : null;

  const choose = (event: MouseEvent, code: string) => {
    event.preventDefault();
    navigate(code === chosen ? "/map" : `/map?country=${code}`);
  };

  return (
    <article aria-labelledby="map-title">
      <h1 id="map-title">Clusters across Europe</h1>
      {all.error && <p role="alert">Could not load the counts: {all.error.message}</p>}
      <div class="map-layout">
        <figure class="map">
          <svg viewBox={`0 0 ${WIDTH.toFixed(0)} ${HEIGHT}`} role="group" aria-label="Map of clusters per country">
            {COUNTRIES.map((c, i) => {
              const n = c.code ? perCountry.get(c.code) ?? 0 : 0;
              const held = c.code ? eventsIn.get(c.code) ?? 0 : 0;
              if ((!n && !held) || !c.code)
                return <path key={i} d={c.d} fill="#dfe3e8" aria-hidden="true" />;
              const code = c.code;
              const label = [`${countryName(code)}: ${plural(n, "cluster")}`, held ? plural(held, "event") : ""]
                .filter(Boolean)
                .join(", ");
              return (
                <a
                  key={i}
                  href={`/map?country=${code}`}
                  aria-label={label}
                  onClick={(e) => choose(e as unknown as MouseEvent, code)}
                >
                  <title>{label}</title>
                  <path
                    d={c.d}
                    fill={n ? shade(n) : EVENTS_ONLY}
                    class={code === chosen ? "has chosen" : "has"}
                    data-country={code}
                  />
                </a>
              );
            })}
          </svg>
          <figcaption>
            Darker blue: more clusters; sand: events but no cluster. Shapes: Natural Earth
            (public domain), via world-atlas.
          </figcaption>
        </figure>
        <div>
          <h2>
            {chosen ? chosenName : "All countries"}:{" "}
            {picked.data ? plural(picked.data.search.totalCount, "cluster") : "…"}
          </h2>
          {chosen && (
            <p>
              {(picked.data?.search.totalCount ?? 0) > 0 && (
                <>
                  <Link href={searchUrl(new URLSearchParams([["kind", "CLUSTER"], ["country", chosen]]))}>
                    Search the clusters of {chosenName}
                  </Link>
                  {" · "}
                </>
              )}
              <Link href="/map">All countries</Link>
            </p>
          )}
          {chosen && events.data && (
            <>
              <h3 id="events-title">Events in {chosenName}</h3>
              {events.data.events.totalCount === 0 && <p>none</p>}
              <ul aria-labelledby="events-title">
                {events.data.events.nodes.map((e) => (
                  <li key={e.id}>
                    {e.name}{" "}
                    <span class="meta">
                      {[longDate(e.startsOn), e.city, e.series?.name].filter(Boolean).join(" · ")}
                    </span>
                  </li>
                ))}
              </ul>
              {events.data.events.totalCount > 0 && <Link href="/events">All events</Link>}
            </>
          )}
          <h3 id="sectors-title">Clusters per sector</h3>
          <ul class="bars" aria-labelledby="sectors-title">
            {sectors.map((s) => (
              <li key={s.value}>
                <span>{s.value}</span>
                <svg viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
                  <rect width={(s.count / mostSector) * 100} height="10" fill="#3a7cc0" />
                </svg>
                <span>{s.count}</span>
              </li>
            ))}
          </ul>
          <h3 id="countries-title">Clusters per country</h3>
          <ul aria-labelledby="countries-title">
            {[...perCountry].map(([code, n]) => (
              <li key={code}>
                <Link href={`/map?country=${code}`}>
                  {countryName(code)}
                </Link>{" "}
                <span class="count">{n}</span>
              </li>
            ))}
          </ul>
        </div>
      </div>
    </article>
  );
}
