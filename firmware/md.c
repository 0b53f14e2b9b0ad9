/* Machine description reader: header | node block | name block | data block, 16-byte
 * elements {u8 tag, u8 name length, u16 0, u32 name offset, 8 bytes value}. */
#include "md.h"

#include "format.h"

enum { TAG_END = 0x00, TAG_NODE = 0x4e, TAG_NODE_END = 0x45, TAG_VAL = 0x76, TAG_ARC = 0x61,
       TAG_STR = 0x73, TAG_DATA = 0x64 };
#define MD_HEADER_SIZE 16
#define MD_ELEM_SIZE 16
#define MD_VERSION 0x10000u

static uint32_t be32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static uint64_t be64(const uint8_t *p) { return (uint64_t)be32(p) << 32 | be32(p + 4); }

static const uint8_t *elem(const struct md *md, uint64_t i) { return md->nodes + i * MD_ELEM_SIZE; }

int md_open(struct md *md, const void *buf, size_t len, char *err, size_t errlen) {
  const uint8_t *b = buf;
  if (len < MD_HEADER_SIZE) {
    fmt_format(err, errlen, "MD of %lu bytes has no header", (unsigned long)len);
    return -1;
  }
  uint32_t version = be32(b), node_size = be32(b + 4);
  md->name_size = be32(b + 8);
  md->data_size = be32(b + 12);
  if (version != MD_VERSION) {
    fmt_format(err, errlen, "MD transport version 0x%x, expected 0x%x", version, MD_VERSION);
    return -1;
  }
  uint64_t total = (uint64_t)MD_HEADER_SIZE + node_size + md->name_size + md->data_size;
  if (total > len) {
    fmt_format(err, errlen, "MD blocks need %lu bytes, only %lu present", (unsigned long)total,
               (unsigned long)len);
    return -1;
  }
  if (node_size == 0 || node_size % MD_ELEM_SIZE) {
    fmt_format(err, errlen, "MD node block size 0x%x is not a multiple of 16", node_size);
    return -1;
  }
  md->nodes = b + MD_HEADER_SIZE;
  md->names = md->nodes + node_size;
  md->data = md->names + md->name_size;
  md->nelems = node_size / MD_ELEM_SIZE;
  if (elem(md, 0)[0] != TAG_NODE) {
    fmt_format(err, errlen, "MD element 0 (offset 0x10) is not a node");
    return -1;
  }
  return 0;
}

/* Does element e carry the name `name`? (name offset and length checked against the block) */
static int name_is(const struct md *md, const uint8_t *e, const char *name) {
  uint32_t nlen = e[1], off = be32(e + 4);
  if ((uint64_t)off + nlen >= md->name_size) return 0;
  const char *n = (const char *)md->names + off;
  for (uint32_t i = 0; i < nlen; i++)
    if (!name[i] || name[i] != n[i]) return 0;
  return name[nlen] == 0;
}

uint64_t md_next_node(const struct md *md, uint64_t node, const char *name) {
  uint64_t prev = node, i = node == MD_NONE ? 0 : be64(elem(md, node) + 8);
  while (i < md->nelems) {
    /* indices only grow along the chain, so a corrupt MD cannot make this loop forever */
    if (prev != MD_NONE && i <= prev) return MD_NONE;
    const uint8_t *e = elem(md, i);
    if (e[0] != TAG_NODE) return MD_NONE;   /* LIST_END (or garbage) ends the walk */
    if (!name || name_is(md, e, name)) return i;
    prev = i;
    i = be64(e + 8);
  }
  return MD_NONE;
}

/* The element of property `prop` of `node` with tag `tag`, or NULL. */
static const uint8_t *find_prop(const struct md *md, uint64_t node, const char *prop, int tag,
                                int tag2) {
  if (node >= md->nelems) return 0;
  for (uint64_t i = node + 1; i < md->nelems; i++) {
    const uint8_t *e = elem(md, i);
    if (e[0] == TAG_NODE_END || e[0] == TAG_END || e[0] == TAG_NODE) return 0;
    if ((e[0] == tag || e[0] == tag2) && name_is(md, e, prop)) return e;
  }
  return 0;
}

int md_get_value(const struct md *md, uint64_t node, const char *prop, uint64_t *value) {
  const uint8_t *e = find_prop(md, node, prop, TAG_VAL, TAG_VAL);
  if (!e) return -1;
  *value = be64(e + 8);
  return 0;
}

int md_get_string(const struct md *md, uint64_t node, const char *prop, const char **s,
                  size_t *len) {
  const uint8_t *e = find_prop(md, node, prop, TAG_STR, TAG_DATA);
  if (!e) return -1;
  uint32_t dlen = be32(e + 8), off = be32(e + 12);
  if ((uint64_t)off + dlen > md->data_size) return -1;
  const char *p = (const char *)md->data + off;
  size_t n = 0;   /* up to the first NUL: for 'd' lists that is the first string */
  while (n < dlen && p[n]) n++;
  *s = p;
  *len = n;
  return 0;
}

int md_get_data(const struct md *md, uint64_t node, const char *prop, const uint8_t **p, size_t *len) {
  const uint8_t *e = find_prop(md, node, prop, TAG_DATA, TAG_DATA);
  if (!e) return -1;
  uint32_t dlen = be32(e + 8), off = be32(e + 12);
  if ((uint64_t)off + dlen > md->data_size) return -1;
  *p = md->data + off;
  *len = dlen;
  return 0;
}

uint64_t md_fwd_arc(const struct md *md, uint64_t node, unsigned k) { return md_arc(md, node, "fwd", k); }

uint64_t md_arc(const struct md *md, uint64_t node, const char *arc, unsigned k) {
  if (node >= md->nelems) return MD_NONE;
  for (uint64_t i = node + 1; i < md->nelems; i++) {
    const uint8_t *e = elem(md, i);
    if (e[0] == TAG_NODE_END || e[0] == TAG_END || e[0] == TAG_NODE) return MD_NONE;
    if (e[0] == TAG_ARC && name_is(md, e, arc) && k-- == 0) {
      uint64_t to = be64(e + 8);
      return to < md->nelems && elem(md, to)[0] == TAG_NODE ? to : MD_NONE;
    }
  }
  return MD_NONE;
}

const struct md_vdev *md_find_vdev(const struct md_info *info, int kind, uint64_t handle) {
  for (unsigned i = 0; i < info->nvdevs; i++)
    if (info->vdev[i].kind == kind && info->vdev[i].handle == handle) return &info->vdev[i];
  return 0;
}

const struct md_pci *md_find_pci(const struct md_info *info, uint64_t devhandle) {
  for (unsigned i = 0; i < info->npci; i++)
    if (info->pci[i].devhandle == devhandle) return &info->pci[i];
  return 0;
}

const struct md_crypto *md_find_crypto(const struct md_info *info, int type, uint64_t cpu) {
  for (unsigned i = 0; i < info->ncrypto; i++)
    if (info->crypto[i].type == type)
      for (unsigned c = 0; c < info->crypto[i].ncpus; c++)
        if (info->crypto[i].cpu[c] == cpu) return &info->crypto[i];
  return 0;
}

static int str_is(const struct md *md, uint64_t node, const char *prop, const char *want) {
  const char *s;
  size_t n, i;
  if (md_get_string(md, node, prop, &s, &n)) return 0;
  for (i = 0; i < n && want[i] == s[i]; i++) {}
  return i == n && want[n] == 0;
}

/* virtual-device nodes named disk / network / domain-services, each with a port node linked
 * to its channel-endpoint; devices without a channel are skipped */
static void summarize_vdevs(const struct md *md, struct md_info *info) {
  static const char *const names[] = {0, "disk", "network", "domain-services"};
  info->nvdevs = 0;
  for (uint64_t n = md_next_node(md, MD_NONE, "virtual-device"); n != MD_NONE;
       n = md_next_node(md, n, "virtual-device")) {
    int kind = 0;
    for (int k = 1; k <= 3; k++)
      if (str_is(md, n, "name", names[k])) kind = k;
    if (!kind || info->nvdevs >= MD_MAX_VDEVS) continue;
    struct md_vdev *d = &info->vdev[info->nvdevs];
    d->kind = kind;
    d->handle = d->mac = 0;
    md_get_value(md, n, "cfg-handle", &d->handle);
    md_get_value(md, n, "local-mac-address", &d->mac);
    for (unsigned a = 0;; a++) {
      uint64_t port = md_fwd_arc(md, n, a);
      if (port == MD_NONE) break;
      for (unsigned b = 0;; b++) {
        uint64_t ep = md_fwd_arc(md, port, b);
        if (ep == MD_NONE) break;
        if (elem(md, ep)[1] && name_is(md, elem(md, ep), "channel-endpoint") &&
            !md_get_value(md, ep, "id", &d->channel)) {
          d->rx_ino = 2 * d->channel + 1;
          md_get_value(md, ep, "rx-ino", &d->rx_ino);
          info->nvdevs++;
          goto next;
        }
      }
    }
  next:;
  }
}

/* one crypto unit node: its type, id and the cpus it has arcs to */
static void add_crypto(const struct md *md, uint64_t n, int type, struct md_info *info) {
  if (info->ncrypto >= MD_MAX_CRYPTO) return;
  struct md_crypto *u = &info->crypto[info->ncrypto++];
  u->type = type;
  u->ncpus = 0;
  if (md_get_value(md, n, "id", &u->id)) u->id = MD_NONE;
  static const char *const arcs[] = {"fwd", "back"};
  for (unsigned a = 0; a < 2; a++)
    for (unsigned k = 0;; k++) {
      uint64_t cpu = md_arc(md, n, arcs[a], k), id;
      if (cpu == MD_NONE) break;
      if (!name_is(md, elem(md, cpu), "cpu") || md_get_value(md, cpu, "id", &id)) continue;
      int dup = 0;
      for (unsigned c = 0; c < u->ncpus; c++) dup |= u->cpu[c] == id;
      if (!dup && u->ncpus < MD_CRYPTO_CPUS) u->cpu[u->ncpus++] = (uint16_t)id;
    }
}

static void summarize_crypto(const struct md *md, struct md_info *info) {
  info->ncrypto = 0;
  for (uint64_t n = md_next_node(md, MD_NONE, 0); n != MD_NONE; n = md_next_node(md, n, 0)) {
    const uint8_t *e = elem(md, n);
    if (name_is(md, e, "cwq")) add_crypto(md, n, MD_CRYPTO_CWQ, info);
    else if (name_is(md, e, "mau")) add_crypto(md, n, MD_CRYPTO_MAU, info);
    else if (name_is(md, e, "exec-unit") && str_is(md, n, "type", "cwq")) add_crypto(md, n, MD_CRYPTO_CWQ, info);
    else if (name_is(md, e, "exec-unit") && str_is(md, n, "type", "mau")) add_crypto(md, n, MD_CRYPTO_MAU, info);
  }
}

/* n big-endian u64 of a data property into v[0..n-1]: 0 when it holds at least that many */
static int get_u64s(const struct md *md, uint64_t node, const char *prop, uint64_t *v, unsigned n) {
  const uint8_t *p;
  size_t len;
  if (md_get_data(md, node, prop, &p, &len) || len < 8ul * n) return -1;
  for (unsigned i = 0; i < n; i++) v[i] = be64(p + 8 * i);
  return 0;
}

/* root -> phys_io -> one iodevice per root complex the domain owns; OBP probes those whose
 * device-type is "pciex" (OpenBoot's probeall.fth; docs/pcie.md). Missing properties stay 0: the driver checks
 * what it needs. */
static void summarize_pci(const struct md *md, struct md_info *info) {
  info->npci = 0;
  for (uint64_t io = md_next_node(md, MD_NONE, "phys_io"); io != MD_NONE; io = md_next_node(md, io, "phys_io"))
    for (unsigned a = 0;; a++) {
      uint64_t n = md_fwd_arc(md, io, a), v[6];
      if (n == MD_NONE) break;
      if (!name_is(md, elem(md, n), "iodevice") || !str_is(md, n, "device-type", "pciex")) continue;
      if (info->npci >= MD_MAX_PCI) break;
      struct md_pci *b = &info->pci[info->npci];
      uint64_t *all = &b->devhandle;
      for (unsigned i = 0; i < sizeof *b / 8; i++) all[i] = 0;
      if (md_get_value(md, n, "cfg-handle", &b->devhandle)) continue;
      if (!get_u64s(md, n, "address-ranges", v, 6))
        b->io_ra = v[0], b->io_size = v[1], b->mem32_ra = v[2], b->mem32_size = v[3], b->mem64_ra = v[4], b->mem64_size = v[5];
      if (!get_u64s(md, n, "virtual-dma", v, 2)) b->dvma_base = v[0], b->dvma_size = v[1];
      if (!get_u64s(md, n, "bus-ranges", v, 2)) b->bus_first = v[0], b->bus_last = v[1];
      md_get_value(md, n, "#msi-eqs", &b->msi_eqs);
      md_get_value(md, n, "msi-eq-size", &b->msi_eq_size);
      if (!get_u64s(md, n, "msi-eq-to-devino", v, 3)) b->eq_first = v[0], b->eq_count = v[1], b->eq_devino = v[2];
      md_get_value(md, n, "#msi", &b->msis);
      if (!get_u64s(md, n, "msi-ranges", v, 2)) b->msi_first = v[0], b->msi_count = v[1];
      md_get_value(md, n, "msi-data-mask", &b->msi_data_mask);
      md_get_value(md, n, "msix-data-width", &b->msix_data_width);
      if (!get_u64s(md, n, "msi-address-ranges", v, 6))
        b->msi32_addr = v[0] << 32 | v[1], b->msi32_size = v[2], b->msi64_addr = v[3] << 32 | v[4], b->msi64_size = v[5];
      md_get_value(md, n, "ino-bitmap", &b->ino_bitmap);
      info->npci++;
    }
}

int md_summarize(const void *buf, size_t len, struct md_info *info, char *err, size_t errlen) {
  struct md md;
  if (md_open(&md, buf, len, err, errlen)) return -1;
  info->ncpus = 0;
  info->nmblocks = 0;
  info->stick_freq = 0;
  info->cpu_mondo_bits = 7;   /* Linux's default when the property is absent */
  info->has_boot_file = 0;
  info->boot_file[0] = 0;
  info->nchannels = 0;

  uint64_t n = md_next_node(&md, MD_NONE, "platform");
  if (n != MD_NONE) md_get_value(&md, n, "stick-frequency", &info->stick_freq);

  unsigned min_bits = 64;
  for (n = md_next_node(&md, MD_NONE, "cpu"); n != MD_NONE; n = md_next_node(&md, n, "cpu")) {
    uint64_t id, bits;
    if (md_get_value(&md, n, "id", &id)) {
      fmt_format(err, errlen, "cpu node at element %lu has no id", (unsigned long)n);
      return -1;
    }
    if (id >= MD_MAX_CPUS || info->ncpus >= MD_MAX_CPUS) {
      fmt_format(err, errlen, "cpu id %lu: at most %d vcpus supported", (unsigned long)id,
                 MD_MAX_CPUS);
      return -1;
    }
    for (unsigned i = 0; i < info->ncpus; i++)
      if (info->cpu_id[i] == id) {
        fmt_format(err, errlen, "cpu id %lu appears twice", (unsigned long)id);
        return -1;
      }
    if (!md_get_value(&md, n, "q-cpu-mondo-#bits", &bits) && bits < min_bits)
      min_bits = (unsigned)bits;
    info->cpu_id[info->ncpus++] = (uint16_t)id;
  }
  if (min_bits < 64) info->cpu_mondo_bits = min_bits;
  if (!info->ncpus) {
    fmt_format(err, errlen, "MD has no cpu nodes");
    return -1;
  }

  for (n = md_next_node(&md, MD_NONE, "mblock"); n != MD_NONE;
       n = md_next_node(&md, n, "mblock")) {
    uint64_t base, size;
    if (md_get_value(&md, n, "base", &base) || md_get_value(&md, n, "size", &size)) {
      fmt_format(err, errlen, "mblock node at element %lu lacks base or size", (unsigned long)n);
      return -1;
    }
    if (info->nmblocks >= MD_MAX_MBLOCKS) {
      fmt_format(err, errlen, "more than %d mblocks", MD_MAX_MBLOCKS);
      return -1;
    }
    info->mblock[info->nmblocks].base = base;
    info->mblock[info->nmblocks].size = size;
    info->nmblocks++;
  }
  if (!info->nmblocks) {
    fmt_format(err, errlen, "MD has no mblock nodes");
    return -1;
  }

  /* LDC endpoints (channel-endpoints/channel-endpoint); inos absent mean the 2*id, 2*id+1
   * numbering the hypervisor uses. Endpoints past MD_MAX_CHANNELS are ignored, not an
   * error: a domain may have hundreds of channels and the runtime needs only one. */
  for (n = md_next_node(&md, MD_NONE, "channel-endpoint"); n != MD_NONE;
       n = md_next_node(&md, n, "channel-endpoint")) {
    uint64_t id;
    if (md_get_value(&md, n, "id", &id)) {
      fmt_format(err, errlen, "channel-endpoint node at element %lu has no id", (unsigned long)n);
      return -1;
    }
    if (info->nchannels >= MD_MAX_CHANNELS) continue;
    info->channel[info->nchannels].id = id;
    info->channel[info->nchannels].tx_ino = 2 * id;
    info->channel[info->nchannels].rx_ino = 2 * id + 1;
    md_get_value(&md, n, "tx-ino", &info->channel[info->nchannels].tx_ino);
    md_get_value(&md, n, "rx-ino", &info->channel[info->nchannels].rx_ino);
    info->nchannels++;
  }

  summarize_vdevs(&md, info);
  summarize_crypto(&md, info);
  summarize_pci(&md, info);

  /* the workload string: openboot's variables node, property boot-file */
  for (n = md_next_node(&md, MD_NONE, "variables"); n != MD_NONE;
       n = md_next_node(&md, n, "variables")) {
    const char *s;
    size_t slen;
    if (md_get_string(&md, n, "boot-file", &s, &slen)) continue;
    if (slen >= sizeof info->boot_file) {
      fmt_format(err, errlen, "boot-file is %lu bytes long, at most %lu supported",
                 (unsigned long)slen, (unsigned long)sizeof info->boot_file - 1);
      return -1;
    }
    for (size_t i = 0; i < slen; i++) info->boot_file[i] = s[i];
    info->boot_file[slen] = 0;
    info->has_boot_file = 1;
    break;
  }
  return 0;
}
