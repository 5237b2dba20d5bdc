// The facets a search reports, and how the URL's parameters become its filter.
import type { ExcellenceLabel, SearchFilter, SearchKind } from "./gql/graphql";

/** The facets shown, in order; each is a URL parameter and a `SearchFilter` field. */
export const FACETS = [
  "kind",
  "country",
  "sector",
  "technologyField",
  "s3Priority",
  "emergingIndustry",
  "serviceType",
  "excellenceLabel",
  "network",
  "framework",
  "year",
] as const;

const LABELS: Record<string, string> = {
  kind: "Kind",
  country: "Country",
  sector: "Sector",
  technologyField: "Technology field",
  s3Priority: "S3 priority",
  emergingIndustry: "Emerging industry",
  serviceType: "Service type",
  excellenceLabel: "Excellence label",
  network: "Network",
  framework: "Framework",
  year: "Year",
};

export const facetLabel = (name: string) => LABELS[name] ?? name;

const KINDS: Record<SearchKind, string> = {
  CLUSTER: "Cluster",
  SERVICE: "Service",
  PROGRAMME_PARTICIPATION: "Programme",
  NEWS: "News",
  EVENT: "Event",
};

export const kindLabel = (kind: SearchKind) => KINDS[kind] ?? kind;

/** The search filter the URL's parameters name. */
export function filterOf(params: URLSearchParams): SearchFilter {
  const filter: SearchFilter = {};
  const list = (name: string) => {
    const values = params.getAll(name).filter(Boolean);
    return values.length ? values : undefined;
  };
  filter.kinds = list("kind") as SearchKind[] | undefined;
  filter.country = list("country");
  filter.sector = list("sector");
  filter.technologyField = list("technologyField");
  filter.s3Priority = list("s3Priority");
  filter.emergingIndustry = list("emergingIndustry");
  filter.serviceType = list("serviceType");
  filter.excellenceLabel = list("excellenceLabel") as ExcellenceLabel[] | undefined;
  filter.network = list("network");
  filter.framework = list("framework");
  filter.year = list("year")
    ?.map(Number)
    .filter((n) => Number.isInteger(n));
  for (const key of Object.keys(filter) as (keyof SearchFilter)[])
    if (filter[key] === undefined) delete filter[key];
  return filter;
}

const regions = new Intl.DisplayNames(["en"], { type: "region" });

/** A country's name from its ISO code (the API's facet values), by the browser's own table. */
export function countryName(code: string): string {
  try {
    return regions.of(code) ?? code;
  } catch {
    return code;
  }
}

/** A facet value as shown. */
export function valueLabel(name: string, value: string): string {
  if (name === "kind") return kindLabel(value as SearchKind);
  if (name === "country") return countryName(value);
  if (name === "excellenceLabel") return value.toLowerCase();
  return value;
}
