/*
 * wbx's entry points into libzstd, compiled to WebAssembly by build.sh: one compression context
 * at a fixed level, in a static workspace at the bottom of the heap, and one area above it that
 * holds a page and its compressed frame. No allocator, no imports; memory grows only to fit the
 * biggest page compressed so far.
 */
#define ZSTD_STATIC_LINKING_ONLY
#include "zstd.h"
#include <stddef.h>

extern unsigned char __heap_base;

static ZSTD_CCtx *context;
static int contextLevel;
static unsigned char *area;
static size_t inputSize;
static size_t outputCapacity;

/* libzstd's allocator hooks: a static context never calls them, so they have nothing to give. */
void *malloc(size_t size) { (void)size; return NULL; }
void *calloc(size_t count, size_t size) { (void)count; (void)size; return NULL; }
void free(void *pointer) { (void)pointer; }

/* Grows the memory so that addresses below `end` exist; 0 when it cannot. */
static int reach(size_t end) {
  size_t have = __builtin_wasm_memory_size(0) * 65536;
  if (end <= have) return 1;
  return __builtin_wasm_memory_grow(0, (end - have + 65535) / 65536) != (size_t)-1;
}

/* Makes the context for `level`; 1 when it is ready, 0 when the memory could not grow. */
__attribute__((export_name("wbx_zstd_init"))) int wbx_zstd_init(int level) {
  size_t size = ZSTD_estimateCCtxSize(level);
  unsigned char *base = (unsigned char *)(((size_t)&__heap_base + 63) & ~(size_t)63);
  if (!reach((size_t)base + size)) return 0;
  context = ZSTD_initStaticCCtx(base, size);
  contextLevel = level;
  area = base + ((size + 63) & ~(size_t)63);
  return context != NULL;
}

/* Where to copy a page of `size` bytes before wbx_zstd_compress; NULL when it cannot fit. */
__attribute__((export_name("wbx_zstd_input"))) unsigned char *wbx_zstd_input(size_t size) {
  size_t bound = ZSTD_compressBound(size);
  if (!context || ZSTD_isError(bound) || !reach((size_t)area + size + bound)) return NULL;
  inputSize = size;
  outputCapacity = bound;
  return area;
}

/* Compresses the page as one frame (ZSTD_compressCCtx); its size, or minus libzstd's error code. */
__attribute__((export_name("wbx_zstd_compress"))) int wbx_zstd_compress(void) {
  size_t written = ZSTD_compressCCtx(context, area + inputSize, outputCapacity, area, inputSize,
                                     contextLevel);
  return ZSTD_isError(written) ? -(int)ZSTD_getErrorCode(written) : (int)written;
}

/* Where the frame of the last wbx_zstd_compress starts. */
__attribute__((export_name("wbx_zstd_output"))) unsigned char *wbx_zstd_output(void) {
  return area + inputSize;
}
