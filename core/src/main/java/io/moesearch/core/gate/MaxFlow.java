package io.moesearch.core.gate;

import java.util.ArrayDeque;
import java.util.Arrays;

/** Maximum flow on a small graph with integer capacities (Dinic). Not thread-safe. */
final class MaxFlow {
  private final int[] head;
  private int[] to = new int[16];
  private int[] cap = new int[16];
  private int[] next = new int[16];
  private int edges;

  MaxFlow(int vertices) {
    head = new int[vertices];
    Arrays.fill(head, -1);
  }

  void addEdge(int from, int toVertex, int capacity) {
    if (edges + 2 > to.length) {
      to = Arrays.copyOf(to, to.length * 2);
      cap = Arrays.copyOf(cap, cap.length * 2);
      next = Arrays.copyOf(next, next.length * 2);
    }
    link(from, toVertex, capacity);
    link(toVertex, from, 0);
  }

  private void link(int from, int toVertex, int capacity) {
    to[edges] = toVertex;
    cap[edges] = capacity;
    next[edges] = head[from];
    head[from] = edges++;
  }

  long run(int source, int sink) {
    long flow = 0;
    int[] level = new int[head.length];
    int[] cursor = new int[head.length];
    while (true) {
      Arrays.fill(level, -1);
      level[source] = 0;
      ArrayDeque<Integer> queue = new ArrayDeque<>();
      queue.add(source);
      while (!queue.isEmpty()) {
        int u = queue.poll();
        for (int e = head[u]; e != -1; e = next[e]) {
          if (cap[e] > 0 && level[to[e]] < 0) {
            level[to[e]] = level[u] + 1;
            queue.add(to[e]);
          }
        }
      }
      if (level[sink] < 0) {
        return flow;
      }
      System.arraycopy(head, 0, cursor, 0, head.length);
      int pushed;
      while ((pushed = push(source, sink, Integer.MAX_VALUE, level, cursor)) > 0) {
        flow += pushed;
      }
    }
  }

  private int push(int u, int sink, int limit, int[] level, int[] cursor) {
    if (u == sink) {
      return limit;
    }
    for (; cursor[u] != -1; cursor[u] = next[cursor[u]]) {
      int e = cursor[u];
      int v = to[e];
      if (cap[e] > 0 && level[v] == level[u] + 1) {
        int d = push(v, sink, Math.min(limit, cap[e]), level, cursor);
        if (d > 0) {
          cap[e] -= d;
          cap[e ^ 1] += d;
          return d;
        }
      }
    }
    return 0;
  }
}
