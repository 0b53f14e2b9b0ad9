/* Boot sequence of the guest runtime (boot vCPU: boot_main; the others: secondary_main). */
#include <stdint.h>

#include "alloc.h"
#include "api.h"
#include "bootargs.h"
#include "console.h"
#include "cpuops.h"
#include "ds.h"
#include "hcall.h"
#include "md.h"
#include "mmu.h"
#include "percpu.h"
#include "smp.h"
#include "workload.h"

struct cpu cpus[MD_MAX_CPUS];
static struct md_info md;
static struct workload wl;
static uint64_t boot_id;
extern char __image_end[];

void boot_main(uint64_t mem_base, uint64_t mem_size) __attribute__((noreturn));
void secondary_main(struct cpu *c) __attribute__((noreturn));

static void set_this_cpu(struct cpu *c) {
  __asm__ volatile("stxa %0, [%1] 0x20\n\tstxa %0, [%%g0] 0x20" : : "r"(c), "r"(0x08ul) : "memory");
}

/* The MD goes right after the image (16-byte aligned, as mach_desc wants); what the
 * runtime needs from it is copied into `md`. Returns the end of the buffer. */
static uint64_t read_md(uint64_t mem_base, uint64_t mem_size) {
  uint8_t *buf = (uint8_t *)(((uint64_t)__image_end + 15) & ~15ul);
  uint64_t size = 0, st = hv_mach_desc(buf, 0, &size);
  if ((st != HV_EOK && st != HV_EINVAL) || size == 0) die_hv("mach_desc (size probe)", st);
  if ((uint64_t)buf + size > mem_base + mem_size || (uint64_t)buf + size > IMAGE_BASE + 0x400000)
    die(1, "md: %lu bytes do not fit after the image", size);
  uint64_t got = 0;
  st = hv_mach_desc(buf, size, &got);
  if (st != HV_EOK) die_hv("mach_desc", st);
  char err[200];
  if (md_summarize(buf, got, &md, err, sizeof err)) die(1, "md: %s", err);
  return (uint64_t)buf + size;
}

static void sort_cpu_ids(void) {
  for (unsigned i = 1; i < md.ncpus; i++)
    for (unsigned j = i; j > 0 && md.cpu_id[j - 1] > md.cpu_id[j]; j--) {
      uint16_t t = md.cpu_id[j];
      md.cpu_id[j] = md.cpu_id[j - 1];
      md.cpu_id[j - 1] = t;
    }
}

void boot_main(uint64_t mem_base, uint64_t mem_size) {
  api_negotiate();
  uint64_t st = hv_cpu_myid(&boot_id);
  if (st != HV_EOK) die_hv("cpu_myid", st);
  if (boot_id >= MD_MAX_CPUS) die(1, "boot vcpu id %lu out of range", boot_id);
  struct cpu *self = &cpus[boot_id];
  self->id = boot_id;
  set_this_cpu(self);
  printf("vfsim-runtime: booting on vcpu %lu, memory 0x%lx+0x%lx\n", boot_id, mem_base, mem_size);
  api_print();

  uint64_t md_end = read_md(mem_base, mem_size);
  printf("md: %u vcpus, %u mblocks, stick %lu Hz, boot-file \"%s\"\n", md.ncpus, md.nmblocks,
         md.stick_freq, md.boot_file);
  for (unsigned i = 0; i < md.nmblocks; i++)
    printf("md: mblock %u base 0x%lx size 0x%lx\n", i, md.mblock[i].base, md.mblock[i].size);
  sort_cpu_ids();
  int self_listed = 0;
  for (unsigned i = 0; i < md.ncpus; i++) self_listed |= md.cpu_id[i] == boot_id;
  if (!self_listed) die(1, "md: the boot vcpu %lu is not in the MD", boot_id);
  char err[200];
  if (workload_parse(md.boot_file, &wl, err, sizeof err)) die(2, "%s", err);

  alloc_init(&md, IMAGE_BASE, md_end);
  mmu_boot_setup(self);

  /* everything the secondaries need is set up before any of them runs */
  for (unsigned i = 0; i < md.ncpus; i++) {
    struct cpu *c = &cpus[md.cpu_id[i]];
    c->id = md.cpu_id[i];
    smp_prepare(c, &md, c == self);
    workload_prepare(c, &wl, &md);
  }
  smp_queue_conf(self);
  irq_enable();
  membar_sync();
  smp_start_all(&md, self);
  smp_wait(&self->mondo_up, md.ncpus - 1);
  printf("smp: %u vcpus up\n", md.ncpus);
  /* Tell the hypervisor the OS is up, as Solaris does ("Solaris running"): ldm shows it as
   * the domain's SOFTSTATE. A 32-byte, 32-byte aligned, NUL-terminated string. */
  static char softstate[32] __attribute__((aligned(32))) = "vfsim-runtime running";
  hv_fast(0x70, 1, (uint64_t)softstate, 0, 0, 0);
  /* Domain Services on this vCPU: the workloads that wait poll it (ds.h) */
  ds_init(&md, &wl, self);

  workload_run(self, &wl, &md, 1);
  smp_wait(&self->mondo_done, md.ncpus - 1);
  for (unsigned i = 0; i < md.ncpus; i++) workload_print(&cpus[md.cpu_id[i]], &wl);
  printf("vfsim-runtime: all %u vcpus done\n", md.ncpus);
  if (wl.then_idle) {   /* stay up with what the workload wrote, answering the manager */
    wl.kind = WL_IDLE;
    workload_run(self, &wl, &md, 1);
  }
  fw_exit(0);
}

void secondary_main(struct cpu *c) {
  mmu_cpu_setup(c);
  smp_queue_conf(c);
  irq_enable();
  smp_send(c, boot_id, MONDO_MSG_UP);
  workload_run(c, &wl, &md, 0);
  membar_sync();   /* the result before the message that announces it */
  smp_send(c, boot_id, MONDO_MSG_DONE);
  for (;;) hv_cpu_yield();
}
