/*
 * primes: answers questions about prime numbers from a table built once.
 *
 *   primes build TABLE LIMIT   sieve every number below LIMIT, write TABLE
 *   primes count TABLE N       how many primes are below N
 *   primes is-prime TABLE N    exit 0 when N is prime, 1 when it is not
 *
 * Building the table is the slow, CPU-bound step that a baked image saves.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(void) {
  fprintf(stderr, "usage: primes build|count|is-prime TABLE N\n");
  return 2;
}

static int build(const char *path, uint64_t limit) {
  uint8_t *composite = calloc(limit + 1, 1);
  if (!composite) {
    fprintf(stderr, "primes: cannot allocate %llu bytes\n", (unsigned long long)limit);
    return 1;
  }
  for (uint64_t i = 2; i * i <= limit; i++) {
    if (composite[i]) continue;
    for (uint64_t j = i * i; j <= limit; j += i) composite[j] = 1;
  }
  FILE *out = fopen(path, "wb");
  if (!out) {
    perror(path);
    return 1;
  }
  fwrite(&limit, sizeof limit, 1, out);
  uint8_t byte = 0;
  for (uint64_t i = 0; i <= limit; i++) {
    if (i >= 2 && !composite[i]) byte |= (uint8_t)(1u << (i % 8));
    if (i % 8 == 7 || i == limit) {
      fputc(byte, out);
      byte = 0;
    }
  }
  fclose(out);
  free(composite);
  return 0;
}

static uint8_t *load(const char *path, uint64_t *limit) {
  FILE *in = fopen(path, "rb");
  if (!in || fread(limit, sizeof *limit, 1, in) != 1) {
    fprintf(stderr, "primes: cannot read table %s\n", path);
    exit(1);
  }
  size_t size = (size_t)(*limit / 8 + 1);
  uint8_t *bits = malloc(size);
  if (!bits || fread(bits, 1, size, in) != size) {
    fprintf(stderr, "primes: table %s is truncated\n", path);
    exit(1);
  }
  fclose(in);
  return bits;
}

int main(int argc, char **argv) {
  if (argc != 4) return usage();
  uint64_t n = strtoull(argv[3], NULL, 10);
  if (strcmp(argv[1], "build") == 0) return build(argv[2], n);

  uint64_t limit;
  uint8_t *bits = load(argv[2], &limit);
  if (n > limit) {
    fprintf(stderr, "primes: %llu is past the table's limit %llu\n",
            (unsigned long long)n, (unsigned long long)limit);
    return 1;
  }
  if (strcmp(argv[1], "is-prime") == 0) return (bits[n / 8] >> (n % 8)) & 1 ? 0 : 1;
  if (strcmp(argv[1], "count") == 0) {
    uint64_t count = 0;
    for (uint64_t i = 0; i < n; i++) count += (bits[i / 8] >> (i % 8)) & 1;
    printf("%llu\n", (unsigned long long)count);
    return 0;
  }

  return usage();
}
