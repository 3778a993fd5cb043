/*
 * Controller profiles: which controller serves an Ingress, and what that
 * controller does where the Ingress specification leaves the choice to it.
 *
 * "Ideally, all Ingress controllers should fit the reference specification.
 * In reality, the various Ingress controllers operate slightly differently."
 * A profile is one controller's behaviour written as data (the table in
 * profile.c; every row cites the documentation or source it rests on, and
 * docs/profiles.md renders it for users):
 *
 *   - how it recognises its Ingresses (IngressClass spec.controller, class
 *     names, which of the class annotation and spec.ingressClassName it reads);
 *   - its merge domain: which Ingresses share one routing table (all of the
 *     class for ingress-nginx; one Ingress or one group.name for the AWS Load
 *     Balancer Controller; one Ingress, one load balancer, for GKE);
 *   - how Prefix and ImplementationSpecific paths match, and which of two
 *     identical paths in one object wins;
 *   - which annotation prefixes it reads, and whether it renders values into
 *     a configuration language (nginx.conf), where an annotation can inject.
 *
 * The profile of an Ingress is a fact computed from the model (iw_profile_of):
 * --controller, else the IngressClass's spec.controller, else the
 * configuration's class mapping, else a well-known class name, else (no class,
 * or a class nothing above recognises) the one controller every controller
 * annotation of the object names ("inferred"), else `spec`.  An annotation is
 * always judged by the controller its prefix names (iw_annotation_owner).
 *
 * Controller-specific facts (ingress-nginx canaries and regex mode, ALB
 * groups, conditions and path patterns) are in profile/ingress_nginx.h and
 * profile/alb.h.
 *
 * Pure: libc + the model, no I/O, no globals (the tables are constant).
 */
#ifndef IW_PROFILE_PROFILE_H
#define IW_PROFILE_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "model/model.h"

enum iw_profile_id {
	IW_PROFILE_SPEC = 0,       /* the Ingress specification (the reference router) */
	IW_PROFILE_INGRESS_NGINX,  /* kubernetes/ingress-nginx (v1.15, retired) */
	IW_PROFILE_AWS_ALB,        /* AWS Load Balancer Controller */
	IW_PROFILE_GCE,            /* GKE Ingress (ingress-gce) */
	IW_PROFILE_TRAEFIK,        /* Traefik, kubernetesIngress provider */
	IW_PROFILE_NGINX_INC,      /* F5 NGINX Ingress Controller (nginx.org) */
	IW_PROFILE_CONTOUR,        /* Contour */
	IW_PROFILE_AGIC,           /* Azure Application Gateway Ingress Controller */
	IW_NPROFILES
};

/* Which Ingresses share one routing table. */
enum iw_merge {
	IW_MERGE_CLASS = 0,   /* every Ingress of the class */
	IW_MERGE_ALB_GROUP,   /* one Ingress (its implicit group), or every Ingress with the
	                       * same alb.ingress.kubernetes.io/group.name, cluster-wide */
	IW_MERGE_OBJECT,      /* one Ingress is one load balancer */
};

/* How Prefix /foo matches: element-wise (/foo, /foo/x; not /foobar) as the
 * specification says, or as a string prefix (/foobar too). */
enum iw_prefix_match { IW_PREFIX_ELEMENT = 0, IW_PREFIX_STRING };

/* How an ImplementationSpecific path matches. */
enum iw_is_match {
	IW_IS_OWN = 0,        /* a type of its own (the reference router's choice) */
	IW_IS_PREFIX,         /* as the profile's Prefix (Traefik PathPrefix, nginx prefix) */
	IW_IS_NGINX,          /* ingress-nginx: Prefix, or a caseless PCRE prefix when the
	                       * host is in regex mode (profile/ingress_nginx.h) */
	IW_IS_ALB_PATTERN,    /* ALB path pattern: '*' any run of characters (across '/'),
	                       * '?' one character; case-sensitive; no anchoring needed */
	IW_IS_GCE_URLMAP,     /* GCE URL map path: a trailing "/" "*" matches below */
	IW_IS_APPGW,          /* Application Gateway path: a trailing '*' */
};

/* Which of two paths with the same host, path and pathType in one Ingress
 * receives the traffic. */
enum iw_dup_winner { IW_DUP_UNSPECIFIED = 0, IW_DUP_FIRST, IW_DUP_LAST };

/* Which of the class annotation and spec.ingressClassName the controller
 * reads when both are set, and whether it reads the field at all. */
enum iw_class_source {
	IW_CLASS_FIELD_WINS = 0,      /* spec.ingressClassName, else the annotation */
	IW_CLASS_ANNOTATION_WINS,     /* the annotation, else spec.ingressClassName */
	IW_CLASS_ANNOTATION_ONLY,     /* the annotation; the field set alone: no action (GKE) */
};

struct iw_profile {
	enum iw_profile_id id;
	const char *name;                 /* "ingress-nginx": --controller, config, findings */
	const char *title;                /* "ingress-nginx (kubernetes/ingress-nginx)" */
	const char *const *controllers;   /* IngressClass spec.controller values (NULL-ended) */
	const char *const *class_names;   /* well-known class names (NULL-ended) */
	/* annotation keys it reads: an entry ending in '/' is a prefix, any other
	 * a whole key (NULL-ended) */
	const char *const *reads;
	enum iw_merge merge;
	enum iw_prefix_match prefix;
	enum iw_is_match is;
	enum iw_dup_winner dup_winner;
	enum iw_class_source class_source;
	bool renders_config;              /* annotation values and paths go into nginx.conf */
	const char *source;               /* the documentation / source the row rests on */
};

/* The table: IW_NPROFILES rows in enum order. */
const struct iw_profile *iw_profile_get(enum iw_profile_id id);
/* By name ("ingress-nginx", "aws-alb", ...; also the aliases "nginx" ->
 * ingress-nginx, "alb", "gke"); NULL when unknown. */
const struct iw_profile *iw_profile_lookup(const char *name);
/* The profile an IngressClass spec.controller names; NULL when none. */
const struct iw_profile *iw_profile_by_controller(const char *controller);
/* "spec, ingress-nginx, aws-alb, ..." for messages. */
const char *iw_profile_names(void);

/* ---- annotations ---------------------------------------------------------- */

/*
 * The controller an annotation key's prefix names ("nginx.ingress.kubernetes.io/x"
 * -> ingress-nginx, "alb.ingress.kubernetes.io/x" -> aws-alb,
 * "kubernetes.io/ingress.global-static-ip-name" -> gce, ...), or NULL when it
 * names none: keys every controller reads (kubernetes.io/ingress.class),
 * other tools' keys (cert-manager.io/, external-dns, kubectl), the legacy
 * "ingress.kubernetes.io/" prefix (read by several), unknown prefixes.
 */
const struct iw_profile *iw_annotation_owner(const char *key);
/* true when profile p reads (or, GKE's status keys, writes) the key. */
bool iw_profile_reads(const struct iw_profile *p, const char *key);
/*
 * true when a controller under profile p ignores the key although the key
 * belongs to an Ingress controller: another controller's prefix, or the
 * legacy "ingress.kubernetes.io/" prefix p does not read.  false under spec
 * (the controller is unknown) and for keys of no controller.
 */
bool iw_profile_ignores(const struct iw_profile *p, const char *key);

/* ---- the profile of an Ingress ---------------------------------------------- */

/* How the profile was chosen (iw_profile_how_text says it in words). */
enum iw_profile_how {
	IW_PROFILE_BY_FALLBACK = 0,   /* nothing names a controller: spec */
	IW_PROFILE_BY_OPTION,         /* --controller */
	IW_PROFILE_BY_CONTROLLER,     /* the IngressClass's spec.controller */
	IW_PROFILE_BY_CONFIG,         /* the configuration maps the class to it */
	IW_PROFILE_BY_CLASS_NAME,     /* a well-known class name */
	IW_PROFILE_BY_ANNOTATIONS,    /* inferred: every controller annotation names it */
};

/* One class -> profile mapping of the configuration. */
struct iw_class_profile {
	char *cls;                    /* owned by whoever owns the iw_profile_conf */
	enum iw_profile_id id;
};

/* What the user said about profiles: --controller, and the configuration's
 * mapping of IngressClass names.  A zero struct says nothing. */
struct iw_profile_conf {
	bool forced;                  /* --controller given: every Ingress is judged under 'force' */
	enum iw_profile_id force;
	struct iw_class_profile *classes;
	size_t nclasses;
};

struct iw_profile_choice {
	const struct iw_profile *profile;
	enum iw_profile_how how;
};

/*
 * The profile an Ingress is judged under.  'cls' is its effective class (the
 * annotation, else spec.ingressClassName, else the cluster's default class;
 * NULL when none); 'ic' the IngressClass object of that name when known (else
 * NULL); 'conf' may be NULL.
 */
struct iw_profile_choice iw_profile_of(const struct ingress *ing, const char *cls,
                                       const struct ingress_class *ic,
                                       const struct iw_profile_conf *conf);

/*
 * The note findings carry about the profile that decided, written into buf
 * (always terminated): "" under spec chosen by fallback; else e.g.
 * "profile ingress-nginx: class \"nginx\"",
 * "profile aws-alb, inferred from the alb.ingress.kubernetes.io/ annotations
 * (no class)".  Returns buf.
 */
const char *iw_profile_note(const struct ingress *ing, const char *cls,
                            struct iw_profile_choice ch, char *buf, size_t size);

/* Frees the strings of a configuration's mapping (not the struct itself). */
void iw_profile_conf_release(struct iw_profile_conf *c);

#endif
