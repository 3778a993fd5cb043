/*
 * libFuzzer target: any bytes -> jansson -> Ingress / IngressClass model
 * (strict) -> CREATE and UPDATE validation for every supported kube version
 * -> the 422 message.  Must never crash or leak.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>

#include "model/model.h"
#include "validate/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t err;
	json_t *j = json_loadb((const char *)data, size, JSON_DECODE_ANY, &err);
	if (!j)
		return 0;
	for (int minor = IW_KUBE_MINOR_MIN; minor <= IW_KUBE_MINOR_MAX; minor++) {
		struct iw_vopts o;
		iw_vopts_init(&o);
		o.kube_minor = minor;
		struct errlist el = { 0 };
		struct ingress *ing;
		ingress_parse(j, IW_PARSE_STRICT, &el, &ing);
		if (ing) {
			iw_validate_ingress(ing, NULL, &o, &el);
			iw_validate_ingress(ing, ing, &o, &el);
		}
		struct ingress_class *ic;
		ingress_class_parse(j, IW_PARSE_STRICT, &el, &ic);
		if (ic) {
			iw_validate_ingress_class(ic, NULL, &o, &el);
			iw_validate_ingress_class(ic, ic, &o, &el);
		}
		free(fe_invalid_message(&el, "Ingress", "networking.k8s.io", ing ? ing->meta.name : ""));
		ingress_free(ing);
		ingress_class_free(ic);
		errlist_release(&el);
	}
	json_decref(j);
	return 0;
}
