/* getent hosts|ahosts|ahostsv4|ahostsv6 NAME...: name lookups through the C
 * library's own resolver, as `getent` from musl-utils does in the upstream
 * (Alpine, musl) agnhost image. Built with musl-gcc -static, so the answer is
 * musl's: a name with at least `ndots` dots is looked up as written only,
 * never through the search list. Exit 2 when a key is not found, like getent.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static int lookup(const char *db, const char *name) {
  struct addrinfo hints, *res, *ai;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = strcmp(db, "ahostsv4") == 0 ? AF_INET : strcmp(db, "ahostsv6") == 0 ? AF_INET6 : AF_UNSPEC;
  hints.ai_socktype = strcmp(db, "hosts") == 0 ? SOCK_STREAM : 0;
  hints.ai_flags = AI_CANONNAME;
  if (getaddrinfo(name, NULL, &hints, &res) != 0) return 2;
  for (ai = res; ai; ai = ai->ai_next) {
    char ip[INET6_ADDRSTRLEN];
    const void *a = ai->ai_family == AF_INET ? (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr
                                             : (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
    if (!inet_ntop(ai->ai_family, a, ip, sizeof ip)) continue;
    if (strcmp(db, "hosts") == 0) {
      printf("%-15s %s\n", ip, res->ai_canonname ? res->ai_canonname : name);
      break; /* one line per name, as getent hosts prints */
    }
    const char *type = ai->ai_socktype == SOCK_STREAM ? "STREAM" : ai->ai_socktype == SOCK_DGRAM ? "DGRAM" : "RAW";
    printf("%-15s %-6s %s\n", ip, type, ai == res && res->ai_canonname ? res->ai_canonname : "");
  }
  freeaddrinfo(res);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 3 || (strcmp(argv[1], "hosts") && strcmp(argv[1], "ahosts") && strcmp(argv[1], "ahostsv4") &&
                   strcmp(argv[1], "ahostsv6"))) {
    fprintf(stderr, "usage: getent hosts|ahosts|ahostsv4|ahostsv6 NAME...\n");
    return 1;
  }
  int rc = 0;
  for (int i = 2; i < argc; i++)
    if (lookup(argv[1], argv[i]) != 0) rc = 2;
  return rc;
}
