//! The envelope a crawler puts around a page: a first line `URL: <address>` and a blank line,
//! then the page's text. The address is the page's source; the platform serves one page
//! from several hosts (`www.`, preview and temporary copies) and pager addresses, so the
//! address is normalised to one form, and the one seen is kept beside it.

use url::Url;

/// Hosts of the European Cluster Collaboration Platform, and how each is written.
const PLATFORM: &str = "clustercollaboration.eu";

/// Temporary copies of the platform: `impr-0001-1260-partners.eccp.hosted-temp.com`.
const TEMPORARY: &str = ".eccp.hosted-temp.com";

/// Where a page came from, as its envelope says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// One address for one page, whichever host or pager served it.
    pub address: String,
    /// The address as the envelope gives it.
    pub seen: String,
}

/// The page without its envelope, and the envelope's source. The envelope's two lines
/// become blank lines, so that line numbers still count from the file's first line.
pub fn open(text: &str) -> (String, Option<Source>) {
    let Some(first) = text.lines().next() else {
        return (text.to_owned(), None);
    };
    let Some(seen) = first.trim().strip_prefix("URL:").map(str::trim) else {
        return (text.to_owned(), None);
    };
    let rest = &text[first.len()..];
    let source = Source {
        address: normalise(seen),
        seen: seen.to_owned(),
    };
    (rest.to_owned(), Some(source))
}

/// The address every copy of a platform page shares: `https://clustercollaboration.eu`
/// and the path, without a pager's query or a trailing slash. Other addresses keep their
/// own host, lower-cased, over https.
pub fn normalise(address: &str) -> String {
    let Ok(url) = Url::parse(address) else {
        return address.trim().to_owned();
    };
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let platform =
        host == PLATFORM || host.ends_with(&format!(".{PLATFORM}")) || host.ends_with(TEMPORARY);
    let path = url.path().trim_end_matches('/');
    if platform {
        return format!("https://{PLATFORM}{path}");
    }
    let query = url.query().map(|q| format!("?{q}")).unwrap_or_default();
    format!("https://{host}{path}{query}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_platform_page_has_one_address_whichever_host_served_it() {
        let one = "https://clustercollaboration.eu/community-news/exxtra-clusterxchange-scheme";
        for seen in [
            one,
            "https://www.clustercollaboration.eu/community-news/exxtra-clusterxchange-scheme",
            "http://www.clustercollaboration.eu/community-news/exxtra-clusterxchange-scheme/",
            "https://impr-0001-1260-partners.eccp.hosted-temp.com/community-news/exxtra-clusterxchange-scheme",
        ] {
            assert_eq!(normalise(seen), one, "{seen}");
        }
        assert_eq!(
            normalise("https://www.clustercollaboration.eu/event-calendar/ecc?page=0%2C1%2C0%2C1"),
            "https://clustercollaboration.eu/event-calendar/ecc",
            "a pager's query is the same page"
        );
        assert_eq!(
            normalise("http://www.clustercollaboration.eu/"),
            "https://clustercollaboration.eu"
        );
    }

    #[test]
    fn other_addresses_keep_their_host_and_query() {
        assert_eq!(
            normalise("https://todormitov.wixsite.com/bbs-ictcn/news?lang=en"),
            "https://todormitov.wixsite.com/bbs-ictcn/news?lang=en"
        );
        assert_eq!(normalise("not an address"), "not an address");
    }

    #[test]
    fn the_envelope_is_taken_off_and_its_lines_still_count() {
        let (page, source) =
            open("URL: https://www.clustercollaboration.eu/content/gdpr\n\nBefore filling in\n");
        let source = source.unwrap_or_else(|| panic!("no source"));
        assert_eq!(
            source.address,
            "https://clustercollaboration.eu/content/gdpr"
        );
        assert_eq!(
            source.seen,
            "https://www.clustercollaboration.eu/content/gdpr"
        );
        assert_eq!(page, "\n\nBefore filling in\n");
        assert_eq!(page.lines().nth(2), Some("Before filling in"));
    }

    #[test]
    fn a_page_without_an_envelope_is_left_as_it_is() {
        assert_eq!(
            open("Title\nURL: x\n"),
            ("Title\nURL: x\n".to_owned(), None)
        );
        assert_eq!(open(""), (String::new(), None));
    }
}
