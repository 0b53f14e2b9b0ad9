/* Plain Linux syscalls through libc: write/writev, pipe/read/close, dup/dup2/fcntl, errno
 * values, lseek, mmap/mprotect/mremap/munmap, brk via sbrk, open/read of /dev/zero and
 * /dev/null. No fd numbers, addresses or times are printed. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/stat.h>
#include <time.h>

int main(void)
{
  fflush(stdout);
  const char msg[] = "direct write(2) to stdout\n";
  ssize_t w = write(1, msg, sizeof msg - 1);
  struct iovec iov[3] = { { "writev ", 7 }, { "three ", 6 }, { "pieces\n", 7 } };
  ssize_t wv = writev(1, iov, 3);
  printf("write=%zd writev=%zd\n", w, wv);

  int p[2];
  if (pipe(p) != 0) { printf("pipe failed\n"); return 1; }
  char buf[256];
  ssize_t n1 = write(p[1], "hello through a pipe", 20);
  ssize_t n2 = read(p[0], buf, sizeof buf);
  buf[n2 > 0 ? n2 : 0] = 0;
  printf("pipe wrote %zd read %zd: %s\n", n1, n2, buf);
  int d = dup(p[1]);
  write(d, "via dup", 7);
  close(d);
  n2 = read(p[0], buf, sizeof buf); buf[n2] = 0;
  printf("dup read: %s\n", buf);
  int flags = fcntl(p[0], F_GETFL);
  fcntl(p[0], F_SETFL, flags | O_NONBLOCK);
  errno = 0;
  ssize_t e = read(p[0], buf, sizeof buf);
  printf("nonblocking empty read=%zd EAGAIN=%d\n", e, errno == EAGAIN);
  errno = 0;
  printf("lseek on pipe=%ld ESPIPE=%d\n", (long)lseek(p[0], 0, SEEK_SET), errno == ESPIPE);
  close(p[1]);
  fcntl(p[0], F_SETFL, flags);
  printf("read after writer closed=%zd\n", read(p[0], buf, sizeof buf));
  close(p[0]);
  errno = 0;
  printf("read(-1)=%zd EBADF=%d close(-1)=%d\n", read(-1, buf, 1), errno == EBADF, close(-1));
  errno = 0;
  printf("open missing=%d ENOENT=%d\n", open("/nonexistent/vfsim/file", O_RDONLY), errno == ENOENT);

  int z = open("/dev/zero", O_RDONLY);
  memset(buf, 0x55, sizeof buf);
  ssize_t zr = read(z, buf, 100);
  int allzero = 1, i;
  for (i = 0; i < 100; i++) if (buf[i]) allzero = 0;
  printf("/dev/zero read=%zd zero=%d untouched=%d\n", zr, allzero, buf[100] == 0x55);
  close(z);
  int nul = open("/dev/null", O_RDWR);
  printf("/dev/null write=%zd read=%zd\n", write(nul, "x", 1), read(nul, buf, 10));
  close(nul);

  size_t len = 1 << 20;
  unsigned char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) { printf("mmap failed\n"); return 1; }
  uint64_t s = 0;
  for (i = 0; i < (int)len; i += 4096) s += m[i];
  for (i = 0; i < (int)len; i += 4096) m[i] = (unsigned char)(i >> 12);
  for (i = 0; i < (int)len; i += 4096) s += m[i];
  printf("mmap 1MiB zero-filled and writable: sum=%llu\n", (unsigned long long)s);
  m = mremap(m, len, len * 4, MREMAP_MAYMOVE);
  printf("mremap ok=%d keeps data=%d new area zero=%d\n", m != MAP_FAILED, m[4096 * 5] == 5, m[len * 3] == 0);
  printf("mprotect ro=%d\n", mprotect(m, 4096, PROT_READ));
  printf("munmap=%d\n", munmap(m, len * 4));
  unsigned char *ro = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  printf("read-only map readable=%d\n", ro[100] == 0);
  munmap(ro, 8192);

  void *b0 = sbrk(0);
  void *b1 = sbrk(65536);
  void *b2 = sbrk(0);
  printf("sbrk grew by %ld (old break returned=%d)\n", (long)((char *)b2 - (char *)b0), b1 == b0);
  memset(b1, 0xab, 65536);
  sbrk(-65536);
  printf("sbrk shrink back=%d\n", sbrk(0) == b0);

  struct timespec t1, t2;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  struct timespec sl = { 0, 1000000 };
  nanosleep(&sl, NULL);
  clock_gettime(CLOCK_MONOTONIC, &t2);
  printf("monotonic advanced=%d\n", t2.tv_sec > t1.tv_sec || (t2.tv_sec == t1.tv_sec && t2.tv_nsec >= t1.tv_nsec));
  printf("getpid>0=%d getppid>=0=%d pagesize=%ld\n", getpid() > 0, getppid() >= 0, sysconf(_SC_PAGESIZE));
  struct stat st;
  printf("fstat(1) ok=%d\n", fstat(1, &st) == 0);
  return 0;
}
