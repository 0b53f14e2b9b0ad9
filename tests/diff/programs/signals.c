/* Signals in user mode: sigaction + raise, signal masks and pending signals, SIGSEGV from
 * bad loads/stores recovered with siglongjmp, SIGILL from illtrap, SIGBUS from a misaligned
 * ldx (inline asm so the compiler cannot split it).
 * Integer divide-by-zero is not tested: qemu-sparc64 7.2 aborts with "Unhandled trap 0x28"
 * instead of delivering SIGFPE. */
#define _GNU_SOURCE
#include <stdio.h>
#include <signal.h>
#include <setjmp.h>
#include <string.h>
#include <stdint.h>
#include <unistd.h>

static volatile sig_atomic_t got_usr1, got_usr2, last_sig, last_code;
static sigjmp_buf jb;

static void h_usr(int sig) { if (sig == SIGUSR1) got_usr1++; else got_usr2++; }
static void h_fault(int sig, siginfo_t *si, void *uc)
{
  (void)uc;
  last_sig = sig;
  last_code = si->si_code;
  siglongjmp(jb, sig);
}

int main(void)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = h_usr;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGUSR1, &sa, NULL);
  sigaction(SIGUSR2, &sa, NULL);
  raise(SIGUSR1); raise(SIGUSR1); raise(SIGUSR2);
  printf("usr1=%d usr2=%d\n", got_usr1, got_usr2);

  sigset_t set, old, pend;
  sigemptyset(&set); sigaddset(&set, SIGUSR1);
  sigprocmask(SIG_BLOCK, &set, &old);
  raise(SIGUSR1);
  sigpending(&pend);
  printf("blocked: delivered=%d pending=%d\n", got_usr1, sigismember(&pend, SIGUSR1));
  sigprocmask(SIG_SETMASK, &old, NULL);
  printf("unblocked: delivered=%d\n", got_usr1);

  signal(SIGUSR2, SIG_IGN);
  raise(SIGUSR2);
  printf("ignored usr2 count=%d\n", got_usr2);

  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = h_fault;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigaction(SIGSEGV, &sa, NULL);
  sigaction(SIGILL, &sa, NULL);

  int r = sigsetjmp(jb, 1);
  if (r == 0) { volatile int *volatile bad = (volatile int *)16; *bad = 1; printf("no fault?\n"); }
  printf("null store: sig=%d (SIGSEGV=%d) code=%d\n", (int)last_sig, SIGSEGV, (int)last_code);

  r = sigsetjmp(jb, 1);
  if (r == 0) { volatile int *volatile badp = (volatile int *)8; volatile int v = *badp; (void)v; printf("no fault?\n"); }
  printf("null load: sig=%d\n", (int)last_sig);

  r = sigsetjmp(jb, 1);
  if (r == 0) { __asm__ volatile("illtrap 0"); printf("no fault?\n"); }
  printf("illtrap: sig=%d (SIGILL=%d)\n", (int)last_sig, SIGILL);

  sigaction(SIGBUS, &sa, NULL);
  r = sigsetjmp(jb, 1);
  if (r == 0) {
    static uint64_t words[2];
    uint64_t v;
    __asm__ volatile("ldx [%1], %0" : "=r"(v) : "r"((char *)words + 4) : "memory");
    printf("no fault on misaligned ldx? %llu\n", (unsigned long long)v);
  }
  printf("misaligned ldx: sig=%d (SIGBUS=%d)\n", (int)last_sig, SIGBUS);

  /* many synchronous deliveries */
  got_usr1 = 0;
  signal(SIGUSR1, h_usr);
  int i;
  for (i = 0; i < 50; i++) raise(SIGUSR1);
  printf("50 raises delivered=%d\n", got_usr1);
  return got_usr1 & 0x7f;
}
