/*
 * libFuzzer target: the lint engine on arbitrary bytes, as YAML, as JSON and
 * auto-detected, then every rendering; then the two-pass mode of the CLI
 * (every object into a state, lint_finish against it).  Built by `make fuzz`.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "lint/lint.h"
#include "checks/state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum yd_format fmts[] = { YD_YAML, YD_JSON, YD_AUTO };
	struct lint_opts o;
	lint_opts_init(&o);
	o.limits.max_nodes = 100000;   /* keep each run fast */
	struct lint_report *r = lint_report_new();
	if (!r)
		return 0;
	for (size_t i = 0; i < 3; i++) {
		o.format = fmts[i];
		lint_buffer(r, "fuzz", (const char *)data, size, &o);
	}
	for (int out = LINT_OUT_TEXT; out <= LINT_OUT_SARIF; out++) {
		char *s;
		if (lint_render(r, (enum lint_out)out, LINT_COLOR, &s, NULL) == IW_OK)
			free(s);
	}
	lint_report_free(r);

	struct iw_state *st = iw_state_new(ingress_free, ingress_class_free);
	r = lint_report_new();
	if (st && r) {
		o.collect = st;
		for (size_t i = 0; i < 3; i++) {
			o.format = fmts[i];
			lint_buffer(r, "fuzz", (const char *)data, size, &o);
		}
		lint_finish(r, &o);
		char *s;
		if (lint_render(r, LINT_OUT_JSON, 0, &s, NULL) == IW_OK)
			free(s);
	}
	lint_report_free(r);
	iw_state_free(st);
	return 0;
}
