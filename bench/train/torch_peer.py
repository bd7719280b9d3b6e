#!/usr/bin/python3
"""torch_peer.py -- the PyTorch peer of train_bench: same data, same model.

    torch_peer.py DATA --cell gru|lstm --hidden H [--epochs E] [--batch B]
                  [--lr LR] [--threads T] [--max-batches N]

DATA is train_bench's --dump output ("split<TAB>string<TAB>label" lines).
The model is rnnfsac's: one-hot input, one recurrent layer, linear +
softmax on the final hidden state, cross-entropy, Adam, gradient-norm
clipping 5.  Batches are built like train.c's (shuffle, length-sorted
chunks of 32 batches, shuffled batch order) and fed as PackedSequences.
To favour PyTorch, each epoch's padded one-hot tensors are built before its
clock starts.  Prints the median training throughput over the epochs:

    torch gru hidden 32: test 100.00%  12345 samples/s
"""
import argparse
import random
import statistics
import time

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence


def load(path):
    splits = {"train": [], "valid": [], "test": []}
    with open(path) as f:
        for line in f:
            sp, s, y = line.rstrip("\n").split("\t")
            splits[sp].append(([int(c) for c in s], int(y)))
    return splits


class Net(nn.Module):
    def __init__(self, cell, nsym, hidden, nclass):
        super().__init__()
        rnn = {"gru": nn.GRU, "lstm": nn.LSTM, "elman": nn.RNN}[cell]
        self.rnn = rnn(nsym, hidden, batch_first=True)
        self.out = nn.Linear(hidden, nclass)
        self.nsym = nsym

    def forward(self, x, lens):
        packed = pack_padded_sequence(x, lens, batch_first=True, enforce_sorted=True)
        _, h = self.rnn(packed)
        if isinstance(h, tuple):
            h = h[0]
        return self.out(h[-1])


def tensors(batch, nsym):
    # longest first, as pack_padded_sequence(enforce_sorted=True) wants;
    # empty strings are fed as one padding step (PyTorch refuses length 0)
    batch = sorted(batch, key=lambda e: -len(e[0]))
    lens = [max(1, len(s)) for s, _ in batch]
    x = torch.zeros(len(batch), lens[0], nsym)
    for i, (s, _) in enumerate(batch):
        if s:
            x[i, torch.arange(len(s)), torch.tensor(s)] = 1.0
    y = torch.tensor([lab for _, lab in batch])
    return x, torch.tensor(lens), y


def batches(data, bsz, rng):
    order = list(range(len(data)))
    rng.shuffle(order)
    chunk = 32 * bsz
    for c in range(0, len(order), chunk):
        order[c:c + chunk] = sorted(order[c:c + chunk], key=lambda i: -len(data[i][0]))
    bs = [order[i:i + bsz] for i in range(0, len(order), bsz)]
    rng.shuffle(bs)
    return [[data[i] for i in b] for b in bs]


def accuracy(net, data, nsym):
    net.eval()
    ok = 0
    with torch.no_grad():
        for i in range(0, len(data), 256):
            x, lens, y = tensors(data[i:i + 256], nsym)
            ok += (net(x, lens).argmax(1) == y).sum().item()
    net.train()
    return ok / max(1, len(data))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--cell", default="gru")
    ap.add_argument("--hidden", type=int, default=32)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-batches", type=int, default=0,
                    help="time only the first N batches of each epoch (0 = all)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = random.Random(a.seed)
    d = load(a.data)
    nsym, nclass = 2, 2
    net = Net(a.cell, nsym, a.hidden, nclass)
    opt = torch.optim.Adam(net.parameters(), lr=a.lr)
    lossf = nn.CrossEntropyLoss()
    rates = []
    for _ in range(a.epochs):
        prepared = [tensors(b, nsym) for b in batches(d["train"], a.batch, rng)]
        if a.max_batches:
            prepared = prepared[:a.max_batches]
        nsamp = sum(len(y) for _, _, y in prepared)
        t0 = time.perf_counter()
        for x, lens, y in prepared:
            opt.zero_grad()
            loss = lossf(net(x, lens), y)
            loss.backward()
            nn.utils.clip_grad_norm_(net.parameters(), 5.0)
            opt.step()
        rates.append(nsamp / (time.perf_counter() - t0))
    print("torch %s hidden %d: test %.2f%%  %.0f samples/s"
          % (a.cell, a.hidden, 100 * accuracy(net, d["test"], nsym), statistics.median(rates)))


if __name__ == "__main__":
    main()
