/*
 * Internal to diff/ and its callers: one side of a comparison (the objects
 * and the router that decides them).  Part of diff.h's contract.
 */
#ifndef IW_DIFF_SIDE_H
#define IW_DIFF_SIDE_H

#include <stdbool.h>
#include <stddef.h>

#include "model/gateway.h"
#include "model/model.h"
#include "profile/profile.h"
#include "router/httproute.h"

enum df_kind { DF_INGRESS = 0, DF_GATEWAY };

struct df_side {
	const char *label;                    /* "old", "new" */
	enum df_kind kind;
	/* DF_INGRESS */
	const struct ingress *const *ings;
	size_t nings;
	const struct ingress_class *const *classes;
	size_t nclasses;
	const char *ingress_class;            /* the class served; NULL: every Ingress */
	enum iw_profile_id ingress_profile;
	/* DF_GATEWAY: the router's input (gateways, routes, grants, namespaces,
	 * services, the Gateway that receives requests, the profile) */
	struct gw_input gw;
	/* "file:line" of an object of this side (an Ingress or an HTTPRoute),
	 * into buf; NULL: not known */
	const char *(*where)(void *arg, const void *object, char *buf, size_t size);
	void *where_arg;
};

/* The most requests one diff generates (its probes stop there). */
#define DF_MAX_PROBES 4000000

#endif
