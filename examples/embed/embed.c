/*
** embed.c -- the embedding story: label each line of stdin with a
** classifier rnnfsac generated (here examples/tomita/tomita4.spec -> tomita4.c).
**
**   rnnfsac examples/tomita/tomita4.spec -o build/tomita4.c
**   cc -std=c99 -Ibuild examples/embed/embed.c build/tomita4.c -o embed
*/
#include <stdio.h>
#include <string.h>
#include "tomita4.h"

int main(void)
{
  char line[65536];
  while (fgets(line, sizeof line, stdin)) {
    size_t n = strcspn(line, "\r\n");           /* the classifier sees the text only */
    int label = t4_classify(line, n);          /* -1: a byte outside the alphabet */
    printf("%-8s %.*s\n", label < 0 ? "invalid" : t4_class_name(label), (int)n, line);
  }
  return 0;
}
