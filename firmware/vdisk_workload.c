/* The vdisk workload: write a pattern to the virtual disk, read it back and verify it,
 * reporting MB/s in simulated time; or only verify (after a restart); or print what the
 * disk says of itself (capacity, geometry, label). */
#include <stddef.h>

#include "alloc.h"
#include "console.h"
#include "cpuops.h"
#include "disk_pattern.h"
#include "vdisk.h"
#include "workload.h"


/* bytes per second of simulated time, printed as MB/s with two decimals */
static void print_rate(const char *what, uint64_t bytes, uint64_t ticks, uint64_t hz) {
  uint64_t us = disk_us(ticks, hz), centi = disk_centi_mbps(bytes, ticks, hz);
  printf("vdisk: %s %lu bytes in %lu us: %lu.%02lu MB/s\n", what, bytes, us, centi / 100, centi % 100);
}

static uint64_t verify(const uint64_t *buf, uint64_t bytes, uint64_t seed) {
  for (uint64_t i = 0; i < bytes / 8; i++)
    if (buf[i] != disk_pattern(8 * i, seed))
      die(1, "vdisk: byte offset %lu reads 0x%016lx, expected 0x%016lx", 8 * i, buf[i], disk_pattern(8 * i, seed));
  return bytes;
}

static void info(struct vdisk *d) {
  uint8_t *b = alloc_zero(512, 8);
  int st = vdisk_request(d, VD_OP_GET_CAPACITY, 0, b, 512);
  if (st) die(1, "vdisk: GET_CAPACITY failed: status %d", st);
  printf("vdisk: capacity %lu blocks of %u bytes\n", vio_get64(b + 8), vio_get32(b));
  st = vdisk_request(d, VD_OP_GET_DISKGEOM, 0, b, 512);
  if (st) die(1, "vdisk: GET_DISKGEOM failed: status %d", st);
  printf("vdisk: geometry ncyl=%u acyl=%u nhead=%u nsect=%u rpm=%u\n", vio_get16(b), vio_get16(b + 2), vio_get16(b + 6),
         vio_get16(b + 8), vio_get16(b + 14));
  st = vdisk_request(d, VD_OP_GET_VTOC, 0, b, 512);
  if (st) die(1, "vdisk: GET_VTOC failed: status %d", st);
  printf("vdisk: label \"%s\", %u partitions, slice 2 tag %u size %lu blocks\n", (const char *)b + 12,
         vio_get16(b + 10), vio_get16(b + 140 + 48), vio_get64(b + 140 + 48 + 16));
}

void vdisk_workload_run(const struct workload *w, const struct md_info *md) {
  const struct md_vdev *dev = md_find_vdev(md, MD_VDEV_DISK, 0);
  if (!dev) die(2, "vdisk: the MD has no disk device (give the domain a vdisk)");
  struct vdisk d;
  if (vdisk_open(&d, dev, (unsigned)w->depth)) die(1, "vdisk: no session with the disk server");
  uint64_t hz = md->stick_freq ? md->stick_freq : 1000000000ul;
  if (w->vdisk_bad) {   /* a request whose buffer cookie we never exported: the server must refuse it */
    uint8_t *b = alloc_zero(512, 8);
    d.bad = 1;
    int st = vdisk_request(&d, VD_OP_BREAD, 0, b, 512);
    printf("vdisk: a request with a cookie outside our export: status %d\n", st);
    if (st == 0) die(1, "vdisk: the server accepted a cookie we never exported");
  }
  d.reset_at = w->reset_at;
  if (w->flood) vdisk_flood(&d, w->flood);
  if (w->vdisk_op == VDISK_OP_INFO) {
    info(&d);
  } else {
    uint64_t bytes = w->size;
    if (bytes % d.block_size || bytes / d.block_size > d.blocks)
      die(2, "vdisk: size=%lu must be whole blocks and fit the disk (%lu blocks)", bytes, d.blocks);
    uint64_t *buf = alloc(bytes, 8192);
    if (!buf) die(3, "vdisk: no memory for %lu bytes", bytes);
    if (w->vdisk_op == VDISK_OP_WRITE) {
      for (uint64_t i = 0; i < bytes / 8; i++) buf[i] = disk_pattern(8 * i, w->seed);
      uint64_t t0 = rd_stick();
      int st = vdisk_rw(&d, 1, 0, buf, bytes);
      if (st) die(1, "vdisk: write failed: status %d", st);
      st = vdisk_request(&d, VD_OP_FLUSH, 0, 0, 0);
      if (st) die(1, "vdisk: flush failed: status %d", st);
      print_rate("wrote", bytes, rd_stick() - t0, hz);
      for (uint64_t i = 0; i < bytes / 8; i++) buf[i] = 0;
    }
    uint64_t t0 = rd_stick();
    int st = vdisk_rw(&d, 0, 0, buf, bytes);
    if (st) die(1, "vdisk: read failed: status %d", st);
    uint64_t ticks = rd_stick() - t0;
    verify(buf, bytes, w->seed);
    print_rate("read and verified", bytes, ticks, hz);
  }
  printf("vdisk: %lu requests, %lu errors, %lu resets\n", d.requests, d.errors, d.resets);
  printf("vfsim-runtime: vdisk done\n");
  fw_exit(0);
}
