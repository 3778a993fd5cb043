/* The error table (see err.h). */
#include "base/err.h"

const char *iw_err_name(int err)
{
	switch (err) {
	case IW_OK: return "OK";
#define IW_ERR_NAME_(name, val, msg) case val: return #name;
	IW_ERR_MAP(IW_ERR_NAME_)
#undef IW_ERR_NAME_
	}
	return "UNKNOWN";
}

const char *iw_strerror(int err)
{
	switch (err) {
	case IW_OK: return "ok";
#define IW_ERR_MSG_(name, val, msg) case val: return msg;
	IW_ERR_MAP(IW_ERR_MSG_)
#undef IW_ERR_MSG_
	}
	return "unknown error";
}
