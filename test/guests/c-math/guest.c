/*
 * Guest of world `cmath`, freestanding C for wasm32 (no libc): the canonical-ABI glue
 * is written out here. Exports carry their canonical names (CanonicalABI.md "Canonical
 * Module Type": world functions by their plain name), imports name their instance
 * (`$root` for world-level functions), and `cabi_realloc` is a bump allocator over
 * the heap wasm-ld places after the data.
 */
#include <stddef.h>
#include <stdint.h>

#define EXPORT(name) __attribute__((export_name(name)))
#define IMPORT(module, name) __attribute__((import_module(module), import_name(name)))

IMPORT("test:cmath/host@1.0.0", "log") void host_log(const char *ptr, size_t len);
IMPORT("$root", "scale") uint32_t host_scale(uint32_t v);
/* Resource functions take the handle first (CanonicalABI.md "Canonical Module Type"). */
IMPORT("test:cmath/host@1.0.0", "[method]sink.add") void sink_add(int32_t self, uint32_t v);
IMPORT("test:cmath/host@1.0.0", "[method]sink.total") uint64_t sink_total(int32_t self);
IMPORT("test:cmath/host@1.0.0", "[resource-drop]sink") void sink_drop(int32_t handle);

/* ---- memory ---- */

extern unsigned char __heap_base;
static uintptr_t heap_next = (uintptr_t)&__heap_base;

static void *bump(size_t align, size_t size) {
  uintptr_t p = (heap_next + align - 1) & ~(uintptr_t)(align - 1);
  uintptr_t end = p + size;
  uintptr_t limit = __builtin_wasm_memory_size(0) * 65536;
  if (end > limit) {
    size_t pages = (end - limit + 65535) / 65536;
    if (__builtin_wasm_memory_grow(0, pages) == (size_t)-1) __builtin_trap();
  }
  heap_next = end;
  return (void *)p;
}

static void copy_bytes(unsigned char *dst, const unsigned char *src, size_t n) {
  for (size_t i = 0; i < n; i++) dst[i] = src[i];
}

/* CanonicalABI.md "Canonical Module Type": cabi_realloc(old, old_size, align, new_size). */
EXPORT("cabi_realloc") void *cabi_realloc(void *old, size_t old_size, size_t align, size_t new_size) {
  void *p = bump(align, new_size);
  if (old != NULL) copy_bytes(p, old, old_size < new_size ? old_size : new_size);
  return p;
}

/* A string or list result: (ptr, len) stored in memory, returned by address. */
struct slice {
  const void *ptr;
  size_t len;
};
static struct slice ret_slice;

/* ---- numbers ---- */

EXPORT("add") int32_t add(int32_t a, int32_t b) { return (int32_t)((uint32_t)a + (uint32_t)b); }

EXPORT("mul-wide") uint64_t mul_wide(uint32_t a, uint32_t b) { return (uint64_t)a * b; }

EXPORT("hypot") double hypot_(double a, double b) { return __builtin_sqrt(a * a + b * b); }

EXPORT("fact") uint64_t fact(uint32_t n) {
  uint64_t r = 1;
  for (uint32_t i = 2; i <= (n & 0xff); i++) r *= i;
  return r;
}

/* ---- lists and records ---- */

EXPORT("sum") uint32_t sum(const uint32_t *xs, size_t len) {
  uint32_t s = 0;
  for (size_t i = 0; i < len; i++) s += xs[i];
  return s;
}

/* record stats: laid out as CanonicalABI.md "Alignment"/"Element Size" say (sum at 8, mean at 24). */
struct stats {
  uint32_t count;
  uint64_t sum;
  uint32_t min;
  uint32_t max;
  double mean;
};
_Static_assert(sizeof(struct stats) == 32, "stats layout");
static struct stats ret_stats;

EXPORT("stats") struct stats *stats(const uint32_t *xs, size_t len) {
  struct stats s = {len, 0, len ? 0xffffffffu : 0, 0, 0.0};
  for (size_t i = 0; i < len; i++) {
    s.sum += xs[i];
    if (xs[i] < s.min) s.min = xs[i];
    if (xs[i] > s.max) s.max = xs[i];
  }
  s.mean = len ? (double)s.sum / (double)len : 0.0;
  ret_stats = s;
  return &ret_stats;
}

/* ---- strings (UTF-8) ---- */

static size_t code_points(const unsigned char *s, size_t len) {
  size_t n = 0;
  for (size_t i = 0; i < len; i++)
    if ((s[i] & 0xc0) != 0x80) n++; /* count every byte that starts a code point */
  return n;
}

EXPORT("count-chars") uint32_t count_chars(const unsigned char *s, size_t len) { return code_points(s, len); }

static size_t put(unsigned char *out, size_t at, const char *text) {
  while (*text) out[at++] = (unsigned char)*text++;
  return at;
}

static size_t put_u32(unsigned char *out, size_t at, uint32_t v) {
  char digits[10];
  size_t n = 0;
  do {
    digits[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  while (n) out[at++] = (unsigned char)digits[--n];
  return at;
}

/* "Hello, <name>! (<n> chars)" */
EXPORT("greet") struct slice *greet(const unsigned char *name, size_t len) {
  unsigned char *out = bump(1, len + 32);
  size_t at = put(out, 0, "Hello, ");
  copy_bytes(out + at, name, len);
  at += len;
  at = put(out, at, "! (");
  at = put_u32(out, at, (uint32_t)code_points(name, len));
  at = put(out, at, " chars)");
  ret_slice.ptr = out;
  ret_slice.len = at;
  return &ret_slice;
}

/* ASCII letters upper-cased; other bytes (multi-byte UTF-8 included) kept as they are. */
EXPORT("upper") struct slice *upper(const unsigned char *s, size_t len) {
  unsigned char *out = bump(1, len);
  for (size_t i = 0; i < len; i++) out[i] = (s[i] >= 'a' && s[i] <= 'z') ? (unsigned char)(s[i] - 32) : s[i];
  ret_slice.ptr = out;
  ret_slice.len = len;
  return &ret_slice;
}

/* ---- calling the host ---- */

/* The sum of scale(x) over xs; logs "scaled <n> values" first. */
EXPORT("scaled-sum") uint32_t scaled_sum(const uint32_t *xs, size_t len) {
  unsigned char msg[40];
  size_t at = put(msg, 0, "scaled ");
  at = put_u32(msg, at, (uint32_t)len);
  at = put(msg, at, " values");
  host_log((const char *)msg, at);
  uint32_t s = 0;
  for (size_t i = 0; i < len; i++) s += host_scale(xs[i]);
  return s;
}

/* Adds xs to the host's sink through the borrowed handle, then drops the borrow before
   returning, as CanonicalABI.md Task.return_ requires (num_borrows must be 0). */
EXPORT("sum-into") uint64_t sum_into(int32_t sink, const uint32_t *xs, size_t len) {
  for (size_t i = 0; i < len; i++) sink_add(sink, xs[i]);
  uint64_t total = sink_total(sink);
  sink_drop(sink);
  return total;
}
