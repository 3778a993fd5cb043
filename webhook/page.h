/*
 * The lint page: the HTML, CSS, script and icon the lint listener serves at
 * GET /, built into the binary (the files of webhook/page/ become byte arrays:
 * the Makefile writes build/gen/page_assets.h).  Nothing is read from disk at run
 * time and the page asks nothing of any other host: no CDN, no web fonts;
 * WH_PAGE_CSP, sent with every file of it, lets the browser load only this
 * origin's own files and talk only to this origin.
 *
 * The page calls the lint listener's API (webhook/server.h): POST /lint?o=json,
 * POST /route, POST /diff (webhook/lintapi.h).  Its element ids are a contract
 * for tests (DESIGN.md): textarea #manifest, button #lint, results #findings,
 * inputs #route-host and #route-path, button #route, result #route-result.
 */
#ifndef IW_WEBHOOK_PAGE_H
#define IW_WEBHOOK_PAGE_H

#include <stddef.h>

struct wh_asset {
	const char *path;            /* "/", "/page.css", ... */
	const char *content_type;
	const unsigned char *data;   /* static */
	size_t len;
};

/* The file served at 'path' (the path without query), or NULL. */
const struct wh_asset *wh_page_asset(const char *path);

#define WH_PAGE_CSP \
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " \
	"connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"

#endif
