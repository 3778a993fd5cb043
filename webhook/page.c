/* The lint page's files, built into the binary (see page.h). */
#include "webhook/page.h"

#include <string.h>

/* page_index_html[], page_page_css[], page_page_js[], page_icon_svg[]:
 * generated from webhook/page/ by the Makefile. */
#include "build/gen/page_assets.h"

static const struct wh_asset assets[] = {
	{ "/", "text/html; charset=utf-8", page_index_html, sizeof page_index_html },
	{ "/page.css", "text/css; charset=utf-8", page_page_css, sizeof page_page_css },
	{ "/page.js", "text/javascript; charset=utf-8", page_page_js, sizeof page_page_js },
	{ "/icon.svg", "image/svg+xml", page_icon_svg, sizeof page_icon_svg },
};

const struct wh_asset *wh_page_asset(const char *path)
{
	for (size_t i = 0; i < sizeof assets / sizeof assets[0]; i++)
		if (!strcmp(path, assets[i].path))
			return &assets[i];
	return NULL;
}
