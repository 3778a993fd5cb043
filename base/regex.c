/*
 * regex (see regex.h): a recursive-descent parser builds a small tree, the
 * tree is compiled into a Thompson NFA program, and a Pike VM runs the
 * program over the subject keeping each program counter at most once per
 * position (Russ Cox, "Regular Expression Matching: the Virtual Machine
 * Approach"): no backtracking, so time is linear in the subject.
 */
#include "base/regex.h"
#include "base/ascii.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------- byte sets ---------- */

struct bset { uint32_t w[8]; };

static void bs_add(struct bset *s, unsigned c) { s->w[c >> 5] |= 1u << (c & 31); }
static bool bs_has(const struct bset *s, unsigned c) { return s->w[c >> 5] >> (c & 31) & 1; }
static void bs_range(struct bset *s, unsigned lo, unsigned hi)
{
	for (unsigned c = lo; c <= hi; c++)
		bs_add(s, c);
}
static void bs_or(struct bset *s, const struct bset *o)
{
	for (int i = 0; i < 8; i++)
		s->w[i] |= o->w[i];
}
static void bs_not(struct bset *s)
{
	for (int i = 0; i < 8; i++)
		s->w[i] = ~s->w[i];
}
static void bs_fold(struct bset *s)
{
	for (unsigned c = 'a'; c <= 'z'; c++)
		if (bs_has(s, c) || bs_has(s, c - 32)) {
			bs_add(s, c);
			bs_add(s, c - 32);
		}
}

static bool is_word(unsigned c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

/* \d \w \s and their negations into s; false for another letter */
static bool perl_class(char e, struct bset *s)
{
	struct bset t = { { 0 } };
	switch (e | 0x20) {
	case 'd': bs_range(&t, '0', '9'); break;
	case 'w': bs_range(&t, '0', '9'); bs_range(&t, 'a', 'z'); bs_range(&t, 'A', 'Z'); bs_add(&t, '_'); break;
	case 's': bs_add(&t, '\t'); bs_add(&t, '\n'); bs_add(&t, '\f'); bs_add(&t, '\r'); bs_add(&t, ' '); break;
	default: return false;
	}
	if (e >= 'A' && e <= 'Z')
		bs_not(&t);
	bs_or(s, &t);
	return true;
}

/* ---------- the tree ---------- */

enum nkind { N_SET, N_EMPTY, N_BOL, N_EOL, N_WORDB, N_NWORDB, N_CAT, N_ALT, N_REP };

struct node {
	enum nkind kind;
	int min, max;            /* N_REP; max -1: unbounded */
	struct node *a, *b;      /* N_CAT / N_ALT: a then b; N_REP: a */
	struct bset set;         /* N_SET */
};

struct parser {
	const char *p, *end, *start;
	bool icase;
	int depth;
	struct node *nodes;      /* pool */
	size_t nnodes, cap;
	char *err;
	size_t errsz;
	bool failed;
};

static struct node *fail(struct parser *ps, const char *what)
{
	if (!ps->failed && ps->err)
		snprintf(ps->err, ps->errsz, "%s at offset %zu", what, (size_t)(ps->p - ps->start));
	ps->failed = true;
	return NULL;
}

static struct node *new_node(struct parser *ps, enum nkind k)
{
	if (ps->nnodes == ps->cap)
		return fail(ps, "pattern too large");
	struct node *n = &ps->nodes[ps->nnodes++];
	memset(n, 0, sizeof *n);
	n->kind = k;
	return n;
}

static struct node *pair(struct parser *ps, enum nkind k, struct node *a, struct node *b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	struct node *n = new_node(ps, k);
	if (n) {
		n->a = a;
		n->b = b;
	}
	return n;
}

/* After a '\': one escaped byte into *c, or a class into s (*is_set).
 * Returns false (and fails) on an unknown or refused escape. */
static bool escape(struct parser *ps, unsigned *c, struct bset *s, bool *is_set)
{
	*is_set = false;
	if (ps->p >= ps->end) {
		fail(ps, "trailing \\");
		return false;
	}
	char e = *ps->p++;
	if (perl_class(e, s)) {
		*is_set = true;
		return true;
	}
	switch (e) {
	case 't': *c = '\t'; return true;
	case 'n': *c = '\n'; return true;
	case 'r': *c = '\r'; return true;
	case 'f': *c = '\f'; return true;
	case 'v': *c = '\v'; return true;
	case 'a': *c = 7; return true;
	case 'x': {
		unsigned v = 0;
		if (ps->p < ps->end && *ps->p == '{') {
			const char *q = ps->p + 1;
			int n = 0;
			while (q < ps->end && iw_hexval(*q) >= 0 && n < 8)
				v = v * 16 + (unsigned)iw_hexval(*q++), n++;
			if (q >= ps->end || *q != '}' || !n || v > 255) {
				fail(ps, "invalid \\x escape (only bytes)");
				return false;
			}
			ps->p = q + 1;
		} else {
			if (ps->end - ps->p < 2 || iw_hexval(ps->p[0]) < 0 || iw_hexval(ps->p[1]) < 0) {
				fail(ps, "invalid \\x escape");
				return false;
			}
			v = (unsigned)(iw_hexval(ps->p[0]) * 16 + iw_hexval(ps->p[1]));
			ps->p += 2;
		}
		*c = v;
		return true;
	}
	default:
		break;
	}
	if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9')) {
		ps->p--;
		fail(ps, "invalid or unsupported escape");
		return false;
	}
	*c = (unsigned char)e;
	return true;
}

static const struct { const char *name; const char *ranges; } posix[] = {
	{ "alnum", "09azAZ" }, { "alpha", "azAZ" }, { "digit", "09" }, { "lower", "az" },
	{ "upper", "AZ" }, { "xdigit", "09afAF" }, { "word", "09azAZ__" }, { "space", "\t\r  " },
	{ "blank", "\t\t  " }, { "punct", "!/:@[`{~" }, { "cntrl", "\x01\x1f\x7f\x7f" },
	{ "print", " ~" }, { "graph", "!~" }, { "ascii", "\x01\x7f" },
};

/* [:name:] at ps->p (after the '['); false when it is not one */
static bool posix_class(struct parser *ps, struct bset *s)
{
	if (ps->end - ps->p < 2 || ps->p[0] != ':')
		return false;
	const char *q = ps->p + 1;
	bool neg = q < ps->end && *q == '^';
	if (neg)
		q++;
	const char *name = q;
	while (q < ps->end && *q != ':')
		q++;
	if (ps->end - q < 2 || q[1] != ']')
		return false;
	size_t n = (size_t)(q - name);
	for (size_t i = 0; i < sizeof posix / sizeof posix[0]; i++) {
		if (strlen(posix[i].name) != n || memcmp(posix[i].name, name, n))
			continue;
		struct bset t = { { 0 } };
		for (const char *r = posix[i].ranges; r[0]; r += 2)
			bs_range(&t, (unsigned char)r[0], (unsigned char)r[1]);
		if (!strcmp(posix[i].name, "space"))
			bs_range(&t, '\t', '\r');
		if (neg)
			bs_not(&t);
		bs_or(s, &t);
		ps->p = q + 2;
		return true;
	}
	fail(ps, "invalid character class name");
	return true;
}

/* After '[' */
static struct node *parse_class(struct parser *ps)
{
	struct node *n = new_node(ps, N_SET);
	if (!n)
		return NULL;
	bool neg = ps->p < ps->end && *ps->p == '^';
	if (neg)
		ps->p++;
	bool first = true;
	for (;;) {
		if (ps->p >= ps->end)
			return fail(ps, "missing ]");
		if (*ps->p == ']' && !first) {
			ps->p++;
			break;
		}
		first = false;
		if (*ps->p == '[') {
			ps->p++;
			if (posix_class(ps, &n->set)) {
				if (ps->failed)
					return NULL;
				continue;
			}
			ps->p--;   /* a literal '[' */
		}
		unsigned lo, hi;
		bool is_set = false;
		struct bset t = { { 0 } };
		if (*ps->p == '\\') {
			ps->p++;
			if (!escape(ps, &lo, &t, &is_set))
				return NULL;
		} else {
			lo = (unsigned char)*ps->p++;
		}
		if (is_set) {
			bs_or(&n->set, &t);
			continue;
		}
		hi = lo;
		if (ps->end - ps->p >= 2 && ps->p[0] == '-' && ps->p[1] != ']') {
			ps->p++;
			if (*ps->p == '\\') {
				ps->p++;
				if (!escape(ps, &hi, &t, &is_set))
					return NULL;
				if (is_set)
					return fail(ps, "invalid character class range");
			} else {
				hi = (unsigned char)*ps->p++;
			}
			if (hi < lo)
				return fail(ps, "invalid character class range");
		}
		bs_range(&n->set, lo, hi);
	}
	if (ps->icase)
		bs_fold(&n->set);
	if (neg)
		bs_not(&n->set);
	return n;
}

static struct node *parse_alt(struct parser *ps);

/* (?flags) or (?flags:...) after "(?": returns true when it was a flag group
 * that ends here (no sub-expression), false when a ':' group follows. */
static bool parse_flags(struct parser *ps, bool *icase)
{
	bool neg = false;
	while (ps->p < ps->end) {
		char c = *ps->p++;
		if (c == ')')
			return true;
		if (c == ':')
			return false;
		if (c == '-' && !neg)
			neg = true;
		else if (c == 'i')
			*icase = !neg;
		else if (c == 's' || c == 'U' || c == 'm')
			; /* dot-all / ungreedy / multi-line: no effect on the subjects we match
			     (paths and header values hold no newline) */
		else {
			fail(ps, "invalid or unsupported group flag");
			return true;
		}
	}
	fail(ps, "missing )");
	return true;
}

static struct node *parse_atom(struct parser *ps)
{
	char c = *ps->p++;
	struct node *n;
	switch (c) {
	case '(': {
		if (++ps->depth > IW_RE_MAX_DEPTH)
			return fail(ps, "groups nested too deep");
		bool saved = ps->icase;
		if (ps->p < ps->end && *ps->p == '?') {
			ps->p++;
			if (ps->p < ps->end && (*ps->p == 'P' || *ps->p == '<')) {
				if (*ps->p == 'P')
					ps->p++;
				if (ps->p >= ps->end || *ps->p != '<')
					return fail(ps, "invalid named group");
				if (ps->p + 1 < ps->end && (ps->p[1] == '=' || ps->p[1] == '!'))
					return fail(ps, "lookbehind is not supported");
				while (ps->p < ps->end && *ps->p != '>')
					ps->p++;
				if (ps->p >= ps->end)
					return fail(ps, "invalid named group");
				ps->p++;
			} else if (ps->p < ps->end && (*ps->p == '=' || *ps->p == '!')) {
				return fail(ps, "lookahead is not supported");
			} else {
				bool ic = ps->icase;
				if (parse_flags(ps, &ic)) {
					/* (?i): applies to the rest of the enclosing group */
					ps->icase = ic;
					ps->depth--;
					return ps->failed ? NULL : new_node(ps, N_EMPTY);
				}
				ps->icase = ic;
			}
		}
		n = parse_alt(ps);
		if (ps->failed)
			return NULL;
		if (ps->p >= ps->end || *ps->p != ')')
			return fail(ps, "missing )");
		ps->p++;
		ps->icase = saved;
		ps->depth--;
		return n ? n : new_node(ps, N_EMPTY);
	}
	case '[':
		return parse_class(ps);
	case '.':
		if ((n = new_node(ps, N_SET))) {
			bs_range(&n->set, 0, 255);
			n->set.w['\n' >> 5] &= ~(1u << ('\n' & 31));
		}
		return n;
	case '^':
		return new_node(ps, N_BOL);
	case '$':
		return new_node(ps, N_EOL);
	case '\\': {
		if (ps->p < ps->end) {
			switch (*ps->p) {
			case 'A': ps->p++; return new_node(ps, N_BOL);
			case 'z': ps->p++; return new_node(ps, N_EOL);
			case 'b': ps->p++; return new_node(ps, N_WORDB);
			case 'B': ps->p++; return new_node(ps, N_NWORDB);
			default:
				if (*ps->p >= '1' && *ps->p <= '9')
					return fail(ps, "backreferences are not supported");
			}
		}
		unsigned v;
		struct bset t = { { 0 } };
		bool is_set;
		if (!escape(ps, &v, &t, &is_set))
			return NULL;
		if (!(n = new_node(ps, N_SET)))
			return NULL;
		if (is_set)
			n->set = t;
		else
			bs_add(&n->set, v);
		if (ps->icase)
			bs_fold(&n->set);
		return n;
	}
	case '*':
	case '+':
	case '?':
		ps->p--;
		return fail(ps, "missing argument to repetition operator");
	default:
		if ((n = new_node(ps, N_SET))) {
			bs_add(&n->set, (unsigned char)c);
			if (ps->icase)
				bs_fold(&n->set);
		}
		return n;
	}
}

/* {n}, {n,}, {n,m} at ps->p; false (nothing consumed) when it is a literal '{' */
static bool parse_count(struct parser *ps, int *min, int *max)
{
	const char *q = ps->p + 1;
	long a = -1, b;
	if (q < ps->end && *q >= '0' && *q <= '9') {
		a = 0;
		while (q < ps->end && *q >= '0' && *q <= '9' && a <= IW_RE_MAX_REPEAT)
			a = a * 10 + (*q++ - '0');
	}
	if (a < 0)
		return false;
	b = a;
	if (q < ps->end && *q == ',') {
		q++;
		b = -1;
		if (q < ps->end && *q >= '0' && *q <= '9') {
			b = 0;
			while (q < ps->end && *q >= '0' && *q <= '9' && b <= IW_RE_MAX_REPEAT)
				b = b * 10 + (*q++ - '0');
		}
	}
	if (q >= ps->end || *q != '}')
		return false;
	ps->p = q + 1;
	if (a > IW_RE_MAX_REPEAT || b > IW_RE_MAX_REPEAT) {
		fail(ps, "bad repetition count (more than 1000)");
		return true;
	}
	if (b >= 0 && b < a) {
		fail(ps, "bad repetition count (max < min)");
		return true;
	}
	*min = (int)a;
	*max = (int)b;
	return true;
}

static struct node *parse_repeat(struct parser *ps)
{
	struct node *n = parse_atom(ps);
	bool repeated = false;
	while (n && ps->p < ps->end) {
		int min, max;
		char c = *ps->p;
		const char *at = ps->p;
		if (c == '*') {
			min = 0, max = -1;
			ps->p++;
		} else if (c == '+') {
			min = 1, max = -1;
			ps->p++;
		} else if (c == '?') {
			min = 0, max = 1;
			ps->p++;
		} else if (c == '{' && parse_count(ps, &min, &max)) {
			if (ps->failed)
				return NULL;
		} else {
			break;
		}
		if (repeated || n->kind == N_BOL || n->kind == N_EOL || n->kind == N_WORDB ||
		    n->kind == N_NWORDB) {
			ps->p = at;
			return fail(ps, "bad repetition operator");
		}
		repeated = true;
		/* lazy or possessive suffix: the same set of matching strings */
		if (ps->p < ps->end && (*ps->p == '?' || *ps->p == '+'))
			ps->p++;
		if (ps->p < ps->end && (*ps->p == '*' || *ps->p == '+' || *ps->p == '?'))
			return fail(ps, "bad repetition operator");
		struct node *r = new_node(ps, N_REP);
		if (!r)
			return NULL;
		r->a = n;
		r->min = min;
		r->max = max;
		n = r;
	}
	return n;
}

/* Concatenations and alternations are right-deep lists (a, (b, (c, ...)))
 * so that compiling them walks the list instead of recursing down it. */
static struct node *append(struct parser *ps, enum nkind k, struct node **head,
                           struct node **last, struct node *item)
{
	if (!*head) {
		*head = item;
		return item;
	}
	struct node **slot = *last ? &(*last)->b : head;
	struct node *n = pair(ps, k, *slot, item);
	if (n) {
		*slot = n;
		*last = n;
	}
	return n;
}

static struct node *parse_cat(struct parser *ps)
{
	struct node *head = NULL, *last = NULL;
	while (ps->p < ps->end && *ps->p != '|' && *ps->p != ')') {
		struct node *a = parse_repeat(ps);
		if (!a || !append(ps, N_CAT, &head, &last, a))
			return NULL;
	}
	return head ? head : new_node(ps, N_EMPTY);
}

static struct node *parse_alt(struct parser *ps)
{
	struct node *head = parse_cat(ps), *last = NULL;
	while (head && ps->p < ps->end && *ps->p == '|') {
		ps->p++;
		struct node *b = parse_cat(ps);
		if (!b || !append(ps, N_ALT, &head, &last, b))
			return NULL;
	}
	return head;
}

/* ---------- the program ---------- */

enum op { OP_SET, OP_SPLIT, OP_JMP, OP_BOL, OP_EOL, OP_WORDB, OP_NWORDB, OP_MATCH };

struct inst {
	uint8_t op;
	uint32_t x, y;           /* OP_SPLIT: both; OP_JMP: x; OP_SET: index of the set */
};

struct iw_re {
	struct inst *prog;
	size_t n;
	struct bset *sets;
	size_t nsets;
	bool anchored;           /* starts with ^: a search is a prefix match */
};

struct compiler {
	struct iw_re *re;
	size_t cap, setcap;
	bool over;
};

static size_t emit(struct compiler *c, uint8_t op, uint32_t x, uint32_t y)
{
	if (c->re->n >= c->cap) {
		c->over = true;
		return 0;
	}
	c->re->prog[c->re->n] = (struct inst){ op, x, y };
	return c->re->n++;
}

static void compile_node(struct compiler *c, const struct node *n);

static void compile_rep(struct compiler *c, const struct node *n)
{
	for (int i = 0; i < n->min && !c->over; i++)
		compile_node(c, n->a);
	if (n->max < 0) {
		size_t split = emit(c, OP_SPLIT, 0, 0);
		compile_node(c, n->a);
		emit(c, OP_JMP, (uint32_t)split, 0);
		if (!c->over) {
			c->re->prog[split].x = (uint32_t)split + 1;
			c->re->prog[split].y = (uint32_t)c->re->n;
		}
		return;
	}
	/* (x(x(x)?)?)? for the optional copies: every split exits to the end;
	 * the copies are compiled alike, so they have one length */
	size_t first = c->re->n;
	int opt = n->max - n->min;
	for (int i = 0; i < opt && !c->over; i++) {
		emit(c, OP_SPLIT, 0, 0);
		compile_node(c, n->a);
	}
	if (c->over || !opt)
		return;
	size_t stride = (c->re->n - first) / (size_t)opt;
	for (size_t pc = first; pc < c->re->n; pc += stride) {
		c->re->prog[pc].x = (uint32_t)pc + 1;
		c->re->prog[pc].y = (uint32_t)c->re->n;
	}
}

/* Recursion only into groups and repetitions (bounded by IW_RE_MAX_DEPTH);
 * lists are walked. */
static void compile_node(struct compiler *c, const struct node *n)
{
	while (!c->over) {
		switch (n->kind) {
		case N_SET:
			if (c->re->nsets >= c->setcap) {
				c->over = true;
				return;
			}
			c->re->sets[c->re->nsets] = n->set;
			emit(c, OP_SET, (uint32_t)c->re->nsets++, 0);
			return;
		case N_EMPTY: return;
		case N_BOL: emit(c, OP_BOL, 0, 0); return;
		case N_EOL: emit(c, OP_EOL, 0, 0); return;
		case N_WORDB: emit(c, OP_WORDB, 0, 0); return;
		case N_NWORDB: emit(c, OP_NWORDB, 0, 0); return;
		case N_REP: compile_rep(c, n); return;
		case N_CAT:
			compile_node(c, n->a);
			n = n->b;
			continue;
		case N_ALT: {
			/* split a | rest; the jumps out of each branch are chained
			 * through their x (index + 1, 0 ends) and patched at the end */
			uint32_t chain = 0;
			while (n->kind == N_ALT && !c->over) {
				size_t split = emit(c, OP_SPLIT, 0, 0);
				compile_node(c, n->a);
				size_t jmp = emit(c, OP_JMP, chain, 0);
				if (c->over)
					return;
				chain = (uint32_t)jmp + 1;
				c->re->prog[split].x = (uint32_t)split + 1;
				c->re->prog[split].y = (uint32_t)c->re->n;
				n = n->b;
			}
			compile_node(c, n);
			while (chain && !c->over) {
				uint32_t next = c->re->prog[chain - 1].x;
				c->re->prog[chain - 1].x = (uint32_t)c->re->n;
				chain = next;
			}
			return;
		}
		}
	}
}

/* Upper bound of the instructions a node compiles to (to refuse a pattern
 * like (((a{1000}){1000}){1000}) before expanding it). */
static size_t prog_size(const struct node *n, size_t cap)
{
	size_t s = 0;
	for (;;) {
		switch (n->kind) {
		case N_EMPTY: return s;
		case N_CAT:
		case N_ALT:
			s += (n->kind == N_ALT ? 2 : 0) + prog_size(n->a, cap);
			if (s > cap)
				return cap + 1;
			n = n->b;
			continue;
		case N_REP: {
			size_t a = prog_size(n->a, cap) + 2;
			size_t k = n->max < 0 ? (size_t)n->min + 1 : (size_t)n->max;
			if (!k)
				k = 1;
			s += a > cap / k ? cap + 1 : a * k;
			return s > cap ? cap + 1 : s;
		}
		default:
			s += 1;
			return s > cap ? cap + 1 : s;
		}
	}
}

static struct iw_re *compile(const char *pat, size_t len, unsigned flags, char *err,
                             size_t errsz, bool *oom)
{
	if (err && errsz)
		err[0] = '\0';
	if (len > IW_RE_MAX_PATTERN) {
		if (err)
			snprintf(err, errsz, "pattern longer than %d bytes", IW_RE_MAX_PATTERN);
		return NULL;
	}
	struct parser ps = { pat, pat + len, pat, (flags & IW_RE_ICASE) != 0, 0, NULL, 0,
	                     2 * len + 4, err, errsz, false };
	ps.nodes = malloc(ps.cap * sizeof *ps.nodes);
	struct iw_re *re = calloc(1, sizeof *re);
	if (!ps.nodes || !re) {
		free(ps.nodes);
		free(re);
		*oom = true;
		if (err)
			snprintf(err, errsz, "out of memory");
		return NULL;
	}
	struct node *root = parse_alt(&ps);
	if (!ps.failed && ps.p < ps.end)
		fail(&ps, "unexpected )");
	if (ps.failed || !root) {
		free(ps.nodes);
		free(re);
		return NULL;
	}
	size_t need = prog_size(root, IW_RE_MAX_INSTS) + 1;
	if (need > IW_RE_MAX_INSTS) {
		if (err)
			snprintf(err, errsz, "pattern too large (more than %d instructions)", IW_RE_MAX_INSTS);
		free(ps.nodes);
		free(re);
		return NULL;
	}
	struct compiler c = { re, need, ps.nnodes ? need : 1, false };
	re->prog = malloc(need * sizeof *re->prog);
	re->sets = malloc(c.setcap * sizeof *re->sets);
	if (!re->prog || !re->sets) {
		free(ps.nodes);
		iw_re_free(re);
		*oom = true;
		if (err)
			snprintf(err, errsz, "out of memory");
		return NULL;
	}
	compile_node(&c, root);
	emit(&c, OP_MATCH, 0, 0);
	free(ps.nodes);
	if (c.over) {
		if (err)
			snprintf(err, errsz, "pattern too large (more than %d instructions)", IW_RE_MAX_INSTS);
		iw_re_free(re);
		return NULL;
	}
	re->anchored = re->n && re->prog[0].op == OP_BOL;
	return re;
}

struct iw_re *iw_re_compile(const char *pat, size_t len, unsigned flags, char *err, size_t errsz)
{
	bool oom = false;
	return compile(pat, len, flags, err, errsz, &oom);
}

enum iw_err iw_re_compile_r(const char *pat, size_t len, unsigned flags, struct iw_re **out,
                            char *err, size_t errsz)
{
	bool oom = false;
	*out = compile(pat, len, flags, err, errsz, &oom);
	return *out ? IW_OK : oom ? IW_ENOMEM : IW_EINVAL;
}

void iw_re_free(struct iw_re *re)
{
	if (!re)
		return;
	free(re->prog);
	free(re->sets);
	free(re);
}

size_t iw_re_size(const struct iw_re *re)
{
	return re ? re->n : 0;
}

/* ---------- the Pike VM ---------- */

/* A list of program counters: a sparse set (each pc at most once). */
struct plist {
	uint32_t *dense, *sparse;
	size_t n;
};

static bool pl_has(const struct plist *l, uint32_t pc)
{
	uint32_t i = l->sparse[pc];
	return i < l->n && l->dense[i] == pc;
}

static void pl_put(struct plist *l, uint32_t pc)
{
	l->sparse[pc] = (uint32_t)l->n;
	l->dense[l->n++] = pc;
}

struct vm {
	const struct iw_re *re;
	const unsigned char *s;
	size_t n;
	uint32_t *stack;         /* program counters still to follow */
};

/* Adds pc and everything reachable from it without consuming a byte at
 * position 'pos'.  Sets *matched when OP_MATCH is reached. */
static void add(struct vm *vm, struct plist *l, uint32_t pc, size_t pos, bool *matched)
{
	size_t top = 0;
	vm->stack[top++] = pc;
	while (top) {
		pc = vm->stack[--top];
		if (pl_has(l, pc))
			continue;
		pl_put(l, pc);
		const struct inst *in = &vm->re->prog[pc];
		bool prev_w, next_w;
		switch (in->op) {
		case OP_JMP:
			vm->stack[top++] = in->x;
			break;
		case OP_SPLIT:
			vm->stack[top++] = in->y;   /* x is followed first */
			vm->stack[top++] = in->x;
			break;
		case OP_BOL:
			if (pos == 0)
				vm->stack[top++] = pc + 1;
			break;
		case OP_EOL:
			if (pos == vm->n)
				vm->stack[top++] = pc + 1;
			break;
		case OP_WORDB:
		case OP_NWORDB:
			prev_w = pos > 0 && is_word(vm->s[pos - 1]);
			next_w = pos < vm->n && is_word(vm->s[pos]);
			if ((prev_w != next_w) == (in->op == OP_WORDB))
				vm->stack[top++] = pc + 1;
			break;
		case OP_MATCH:
			*matched = true;
			break;
		default:
			break;
		}
	}
}

enum mode { M_FULL, M_SEARCH, M_PREFIX };

static bool run(const struct iw_re *re, const char *subject, size_t n, enum mode mode)
{
	if (!re)
		return false;
	/* two lists (dense + sparse) and the stack of add(): every instruction
	 * is expanded once per position and pushes at most two more */
	size_t np = re->n, words = 6 * np + 2;
	uint32_t small[6 * IW_RE_STACK_INSTS + 2];
	uint32_t *mem = small;
	if (np > IW_RE_STACK_INSTS) {
		mem = malloc(words * sizeof *mem);
		if (!mem)
			return false;
	}
	/* pl_has reads a sparse slot before it is written (the dense side
	 * decides); keep the slots defined for the sanitizers and valgrind */
	memset(mem, 0, words * sizeof *mem);
	struct plist a = { mem, mem + np, 0 }, b = { mem + 2 * np, mem + 3 * np, 0 };
	struct vm vm = { re, (const unsigned char *)subject, n, mem + 4 * np };
	struct plist *cl = &a, *nl = &b;
	bool matched = false, result = false;
	bool search = mode == M_SEARCH && !re->anchored;
	add(&vm, cl, 0, 0, &matched);
	for (size_t pos = 0;; pos++) {
		if (matched && (mode != M_FULL || pos == n)) {
			result = true;
			break;
		}
		if (pos == n)
			break;
		if (!cl->n && !search)
			break;
		matched = false;
		nl->n = 0;
		unsigned ch = vm.s[pos];
		for (size_t i = 0; i < cl->n; i++) {
			const struct inst *in = &re->prog[cl->dense[i]];
			if (in->op == OP_SET && bs_has(&re->sets[in->x], ch))
				add(&vm, nl, cl->dense[i] + 1, pos + 1, &matched);
		}
		if (search)
			add(&vm, nl, 0, pos + 1, &matched);
		struct plist *t = cl;
		cl = nl;
		nl = t;
	}
	if (mem != small)
		free(mem);
	return result;
}

bool iw_re_full(const struct iw_re *re, const char *s, size_t n)
{
	return run(re, s, n, M_FULL);
}

bool iw_re_search(const struct iw_re *re, const char *s, size_t n)
{
	return run(re, s, n, M_SEARCH);
}

bool iw_re_prefix(const struct iw_re *re, const char *s, size_t n)
{
	return run(re, s, n, M_PREFIX);
}
