/* Reader for the binary sun4v machine description (reference §6.1). Every field is read
 * with explicit big-endian byte loads, so the same file runs in the guest and on the
 * host tests. */
#ifndef FW_MD_H
#define FW_MD_H

#include <stddef.h>
#include <stdint.h>

#define MD_NONE (~(uint64_t)0)

struct md {
  const uint8_t *nodes, *names, *data;
  uint64_t nelems;
  uint32_t name_size, data_size;
};

/* Checks the header and block sizes; 0 on success, else writes a reason to err. */
int md_open(struct md *md, const void *buf, size_t len, char *err, size_t errlen);
/* The next node (element index) after `node` whose name is `name` (NULL = any), walking
 * the nodes' next-node chain from the root; MD_NONE at the end or on a broken chain. */
uint64_t md_next_node(const struct md *md, uint64_t node, const char *name);
/* Properties of a node: 0 when found with the right kind. Strings accept 's' and 'd'. */
int md_get_value(const struct md *md, uint64_t node, const char *prop, uint64_t *value);
int md_get_string(const struct md *md, uint64_t node, const char *prop, const char **s,
                  size_t *len);

/* A 'd' (data) property: its bytes and length (0 when found). */
int md_get_data(const struct md *md, uint64_t node, const char *prop, const uint8_t **p, size_t *len);

/* The k-th (from 0) arc named `arc` ("fwd" or "back") of node: its target node, or MD_NONE. */
uint64_t md_arc(const struct md *md, uint64_t node, const char *arc, unsigned k);
/* The k-th (from 0) "fwd" arc of node: its target node, or MD_NONE. */
uint64_t md_fwd_arc(const struct md *md, uint64_t node, unsigned k);

/* What the runtime needs from the guest's MD. */
#define MD_MAX_CPUS 256
#define MD_MAX_MBLOCKS 16
#define MD_MAX_CHANNELS 16   /* endpoints kept (ldc-ping and ldc-map use endpoint 0; devices come via vdev) */
#define MD_MAX_VDEVS 16
#define MD_MAX_CRYPTO 64      /* crypto unit nodes kept (a T5440 has 32 cores, each a CWQ and a MAU) */
#define MD_CRYPTO_CPUS 8      /* vCPUs kept per unit (a core has 8 strands) */
#define MD_MAX_PCI 4          /* PCIe root complexes kept (a T5440 has 4) */
enum { MD_VDEV_DISK = 1, MD_VDEV_NETWORK = 2, MD_VDEV_DS = 3 };
enum { MD_CRYPTO_CWQ = 1, MD_CRYPTO_MAU = 2 };
struct md_info {
  unsigned ncpus;
  uint16_t cpu_id[MD_MAX_CPUS];       /* in MD order */
  unsigned nmblocks;
  struct { uint64_t base, size; } mblock[MD_MAX_MBLOCKS];   /* in MD order */
  uint64_t stick_freq;                /* platform stick-frequency, 0 when absent */
  unsigned cpu_mondo_bits;            /* smallest q-cpu-mondo-#bits of all cpus (7 if absent) */
  unsigned nchannels;                 /* channel-endpoint nodes kept (at most MD_MAX_CHANNELS) */
  struct { uint64_t id, tx_ino, rx_ino; } channel[MD_MAX_CHANNELS];   /* in MD order */
  unsigned nvdevs;                    /* virtual devices on channels (at most MD_MAX_VDEVS) */
  struct md_vdev { int kind; uint64_t handle, channel, rx_ino, mac; } vdev[MD_MAX_VDEVS];
  /* crypto units: "cwq" / "mau" nodes, or "exec-unit" nodes with type "cwq" / "mau" (as
   * Linux's n2_core reads them); id = the core (MD_NONE when absent); the vCPUs are the
   * cpu nodes the unit has arcs to, either way (fwd or back), in arc order */
  unsigned ncrypto;
  struct md_crypto { int type; uint64_t id; unsigned ncpus; uint16_t cpu[MD_CRYPTO_CPUS]; } crypto[MD_MAX_CRYPTO];
  /* PCIe root complexes the domain owns: phys_io's iodevice nodes with device-type "pciex"
   * (as OpenBoot probes them; values the MD does not give stay 0) */
  unsigned npci;
  struct md_pci {
    uint64_t devhandle;                         /* cfg-handle: 0x400 for pci@400 */
    uint64_t io_ra, io_size, mem32_ra, mem32_size, mem64_ra, mem64_size;   /* address-ranges */
    uint64_t dvma_base, dvma_size;              /* virtual-dma */
    uint64_t bus_first, bus_last;               /* bus-ranges */
    uint64_t msi_eqs, msi_eq_size;              /* #msi-eqs, msi-eq-size (records per queue) */
    uint64_t eq_first, eq_count, eq_devino;     /* msi-eq-to-devino: EQ eq_first + i raises devino eq_devino + i */
    uint64_t msis, msi_first, msi_count;        /* #msi, msi-ranges */
    uint64_t msi_data_mask, msix_data_width;
    uint64_t msi32_addr, msi32_size, msi64_addr, msi64_size;   /* msi-address-ranges */
    uint64_t ino_bitmap;
  } pci[MD_MAX_PCI];
  int has_boot_file;
  char boot_file[160];                /* openboot/variables boot-file, "" when absent */
};

/* The first virtual device of a kind (MD_VDEV_*) with cfg-handle handle, or NULL. */
const struct md_vdev *md_find_vdev(const struct md_info *info, int kind, uint64_t handle);
/* The root complex with cfg-handle devhandle, or NULL. */
const struct md_pci *md_find_pci(const struct md_info *info, uint64_t devhandle);
/* The crypto unit of a type (MD_CRYPTO_*) that serves vCPU cpu, or NULL. */
const struct md_crypto *md_find_crypto(const struct md_info *info, int type, uint64_t cpu);

/* 0 on success, else a reason in err. */
int md_summarize(const void *buf, size_t len, struct md_info *info, char *err, size_t errlen);

#endif
