#!/usr/bin/env python3
"""Times full training steps of the official SGRAF code, re-created from shared/spec/sgraf.md (model.py, train.py),
for a side-by-side comparison with `sgraf bench-train` on the same machine (scripts/bench-train.sh runs both).

The official model.py is not in this repository; the classes below follow it operation by operation, as the spec
describes it: EncoderImage, EncoderText (packed bidirectional GRU, directions averaged), VisualSA, TextSA,
SCAN_attention, GraphReasoning, AttentionFiltration, EncoderSimilarity (the per-caption loop of forward_sim) and
ContrastiveLoss (max_violation; the CUDA-only mask built on the CPU), and SGRAF.train_emb: zero_grad, loss,
backward, clip_grad_norm_ 2.0 over txt_enc + img_enc + sim_enc, Adam(lr 2e-4). The data are random, as in
bench-train: non-negative region features and captions of one length.

Usage: /usr/bin/python3 scripts/official-train-step.py --model sgr|saf [--img-dim 2048] [--embed-size 1024]
       [--sim-dim 256] [--word-dim 300] [--batch-size 128] [--words 12] [--threads 1] [--steps 3] [--warmup 1]
       [--json FILE]
Needs PyTorch (Debian: apt-get install python3-torch). The last line ends with "captions/s".
"""
import argparse
import json
import math
import resource
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

VOCAB_SIZE = 8481  # f30k_precomp_vocab.json, as bench-train
REGIONS = 36


def l2norm(X, dim, eps=1e-8):
    norm = torch.pow(X, 2).sum(dim=dim, keepdim=True).sqrt() + eps
    return torch.div(X, norm)


def l1norm(X, dim, eps=1e-8):
    norm = torch.abs(X).sum(dim=dim, keepdim=True) + eps
    return torch.div(X, norm)


def xavier(linear):
    r = math.sqrt(6.) / math.sqrt(linear.in_features + linear.out_features)
    linear.weight.data.uniform_(-r, r)
    linear.bias.data.fill_(0)


class EncoderImage(nn.Module):
    def __init__(self, img_dim, embed_size):
        super().__init__()
        self.fc = nn.Linear(img_dim, embed_size)
        xavier(self.fc)

    def forward(self, images):
        return l2norm(self.fc(images), dim=-1)


class EncoderText(nn.Module):
    def __init__(self, vocab_size, word_dim, embed_size):
        super().__init__()
        self.embed_size = embed_size
        self.embed = nn.Embedding(vocab_size, word_dim)
        self.dropout = nn.Dropout(0.4)
        self.cap_rnn = nn.GRU(word_dim, embed_size, 1, batch_first=True, bidirectional=True)
        self.embed.weight.data.uniform_(-0.1, 0.1)

    def forward(self, captions, lengths):
        x = self.dropout(self.embed(captions))
        packed = pack_padded_sequence(x, lengths, batch_first=True)
        out, _ = self.cap_rnn(packed)
        cap_emb, _ = pad_packed_sequence(out, batch_first=True)
        cap_emb = (cap_emb[:, :, :self.embed_size] + cap_emb[:, :, self.embed_size:]) / 2
        return l2norm(cap_emb, dim=-1)


class VisualSA(nn.Module):
    def __init__(self, embed_dim, dropout_rate, num_region):
        super().__init__()
        self.embedding_local = nn.Sequential(nn.Linear(embed_dim, embed_dim), nn.BatchNorm1d(num_region),
                                             nn.Tanh(), nn.Dropout(dropout_rate))
        self.embedding_global = nn.Sequential(nn.Linear(embed_dim, embed_dim), nn.BatchNorm1d(embed_dim),
                                              nn.Tanh(), nn.Dropout(dropout_rate))
        self.embedding_common = nn.Sequential(nn.Linear(embed_dim, 1))
        for m in self.modules():
            if isinstance(m, nn.Linear):
                xavier(m)

    def forward(self, local, raw_global):
        l_emb = self.embedding_local(local)
        g_emb = self.embedding_global(raw_global)
        g_emb = g_emb.unsqueeze(1).repeat(1, l_emb.size(1), 1)
        weights = self.embedding_common(l_emb.mul(g_emb)).squeeze(2)
        weights = F.softmax(weights, dim=1)
        return l2norm((weights.unsqueeze(2) * local).sum(dim=1), dim=-1)


class TextSA(nn.Module):
    def __init__(self, embed_dim, dropout_rate):
        super().__init__()
        self.embedding_local = nn.Sequential(nn.Linear(embed_dim, embed_dim), nn.Tanh(), nn.Dropout(dropout_rate))
        self.embedding_global = nn.Sequential(nn.Linear(embed_dim, embed_dim), nn.Tanh(), nn.Dropout(dropout_rate))
        self.embedding_common = nn.Sequential(nn.Linear(embed_dim, 1))
        for m in self.modules():
            if isinstance(m, nn.Linear):
                xavier(m)

    def forward(self, local, raw_global):
        l_emb = self.embedding_local(local)
        g_emb = self.embedding_global(raw_global)
        g_emb = g_emb.unsqueeze(1).repeat(1, l_emb.size(1), 1)
        weights = self.embedding_common(l_emb.mul(g_emb)).squeeze(2)
        weights = F.softmax(weights, dim=1)
        return l2norm((weights.unsqueeze(2) * local).sum(dim=1), dim=-1)


class GraphReasoning(nn.Module):
    def __init__(self, sim_dim):
        super().__init__()
        self.graph_query_w = nn.Linear(sim_dim, sim_dim)
        self.graph_key_w = nn.Linear(sim_dim, sim_dim)
        self.sim_graph_w = nn.Linear(sim_dim, sim_dim)
        self.relu = nn.ReLU()
        for m in (self.graph_query_w, self.graph_key_w, self.sim_graph_w):
            xavier(m)

    def forward(self, sim_emb):
        sim_query = self.graph_query_w(sim_emb)
        sim_key = self.graph_key_w(sim_emb)
        sim_edge = torch.softmax(torch.bmm(sim_query, sim_key.permute(0, 2, 1)), dim=-1)
        sim_sgr = torch.bmm(sim_edge, sim_emb)
        return self.relu(self.sim_graph_w(sim_sgr))


class AttentionFiltration(nn.Module):
    def __init__(self, sim_dim):
        super().__init__()
        self.attn_sim_w = nn.Linear(sim_dim, 1)
        self.bn = nn.BatchNorm1d(1)
        xavier(self.attn_sim_w)

    def forward(self, sim_emb):
        sim_attn = l1norm(torch.sigmoid(self.bn(self.attn_sim_w(sim_emb).permute(0, 2, 1))), dim=-1)
        sim_saf = torch.matmul(sim_attn, sim_emb)
        return l2norm(sim_saf.squeeze(1), dim=-1)


def scan_attention(query, context, smooth):
    attn = torch.bmm(context, torch.transpose(query, 1, 2))
    attn = nn.LeakyReLU(0.1)(attn)
    attn = l2norm(attn, 2)
    attn = torch.transpose(attn, 1, 2).contiguous()
    attn = F.softmax(attn * smooth, dim=2)
    attnT = torch.transpose(attn, 1, 2).contiguous()
    weighted = torch.bmm(torch.transpose(context, 1, 2), attnT)
    return l2norm(torch.transpose(weighted, 1, 2), dim=-1)


class EncoderSimilarity(nn.Module):
    def __init__(self, embed_size, sim_dim, module_name, sgr_step=3):
        super().__init__()
        self.module_name = module_name
        self.v_global_w = VisualSA(embed_size, 0.4, REGIONS)
        self.t_global_w = TextSA(embed_size, 0.4)
        self.sim_tranloc_w = nn.Linear(embed_size, sim_dim)
        self.sim_tranglo_w = nn.Linear(embed_size, sim_dim)
        self.sim_eval_w = nn.Linear(sim_dim, 1)
        self.sigmoid = nn.Sigmoid()
        if module_name == 'SGR':
            self.SGR_module = nn.ModuleList([GraphReasoning(sim_dim) for _ in range(sgr_step)])
        else:
            self.SAF_module = AttentionFiltration(sim_dim)
        for m in (self.sim_tranloc_w, self.sim_tranglo_w, self.sim_eval_w):
            xavier(m)

    def forward(self, img_emb, cap_emb, cap_lens):
        sim_all = []
        n_image = img_emb.size(0)
        img_ave = torch.mean(img_emb, 1)
        img_glo = self.v_global_w(img_emb, img_ave)
        for i in range(cap_emb.size(0)):
            n_word = cap_lens[i]
            cap_i = cap_emb[i, :n_word, :].unsqueeze(0)
            cap_i_expand = cap_i.repeat(n_image, 1, 1)
            cap_ave_i = torch.mean(cap_i, 1)
            cap_glo_i = self.t_global_w(cap_i, cap_ave_i)
            context_img = scan_attention(cap_i_expand, img_emb, smooth=9.0)
            sim_loc = torch.pow(torch.sub(context_img, cap_i_expand), 2)
            sim_loc = l2norm(self.sim_tranloc_w(sim_loc), dim=-1)
            sim_glo = torch.pow(torch.sub(img_glo, cap_glo_i), 2)
            sim_glo = l2norm(self.sim_tranglo_w(sim_glo), dim=-1)
            sim_emb = torch.cat([sim_glo.unsqueeze(1), sim_loc], 1)
            if self.module_name == 'SGR':
                for module in self.SGR_module:
                    sim_emb = module(sim_emb)
                sim_vec = sim_emb[:, 0, :]
            else:
                sim_vec = self.SAF_module(sim_emb)
            sim_all.append(self.sigmoid(self.sim_eval_w(sim_vec)))
        return torch.cat(sim_all, 1)


def contrastive_loss(scores, margin=0.2):
    diagonal = scores.diag().view(scores.size(0), 1)
    cost_s = (margin + scores - diagonal.expand_as(scores)).clamp(min=0)
    cost_im = (margin + scores - diagonal.t().expand_as(scores)).clamp(min=0)
    mask = torch.eye(scores.size(0)) > .5   # the official mask exists only on CUDA machines
    cost_s = cost_s.masked_fill_(mask, 0)
    cost_im = cost_im.masked_fill_(mask, 0)
    return cost_s.max(1)[0].sum() + cost_im.max(0)[0].sum()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--model', required=True, choices=['sgr', 'saf'])
    parser.add_argument('--img-dim', type=int, default=2048)
    parser.add_argument('--word-dim', type=int, default=300)
    parser.add_argument('--embed-size', type=int, default=1024)
    parser.add_argument('--sim-dim', type=int, default=256)
    parser.add_argument('--batch-size', type=int, default=128)
    parser.add_argument('--words', type=int, default=12)
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--steps', type=int, default=3)
    parser.add_argument('--warmup', type=int, default=1, help='untimed steps first (1)')
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument('--json')
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    img_enc = EncoderImage(args.img_dim, args.embed_size)
    txt_enc = EncoderText(VOCAB_SIZE, args.word_dim, args.embed_size)
    sim_enc = EncoderSimilarity(args.embed_size, args.sim_dim, args.model.upper())
    params = list(txt_enc.parameters()) + list(img_enc.parameters()) + list(sim_enc.parameters())
    optimizer = torch.optim.Adam(params, lr=2e-4)
    for module in (img_enc, txt_enc, sim_enc):
        module.train()

    print(f"official-train-step: {args.model.upper()}, img {args.img_dim}, word {args.word_dim}, embed {args.embed_size}, "
          f"sim {args.sim_dim}, vocab {VOCAB_SIZE}; {args.batch_size} captions of {args.words} tokens per step; "
          f"{args.threads} thread(s); {args.warmup} warm-up + {args.steps} timed steps; torch {torch.__version__}", flush=True)
    walls, cpus = [], []
    for step in range(args.warmup + args.steps):
        images = torch.rand(args.batch_size, REGIONS, args.img_dim)
        captions = torch.randint(4, VOCAB_SIZE, (args.batch_size, args.words))
        captions[:, 0] = 1
        captions[:, -1] = 2
        lengths = [args.words] * args.batch_size
        cpu, wall = time.process_time(), time.perf_counter()
        # SGRAF.train_emb
        img_embs = img_enc(images)
        cap_embs = txt_enc(captions, lengths)
        sims = sim_enc(img_embs, cap_embs, lengths)
        optimizer.zero_grad()
        loss = contrastive_loss(sims)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 2.0)
        optimizer.step()
        if step >= args.warmup:
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        if not math.isfinite(loss.item()):
            raise SystemExit(f"step {step}: the loss is {loss.item()}")
    mean, cpu_mean = sum(walls) / len(walls), sum(cpus) / len(cpus)
    rate = args.batch_size / mean
    print(f"official {args.model.upper()}, {args.threads} thread(s): {mean:.3f} s per step (min {min(walls):.3f}, "
          f"max {max(walls):.3f}), CPU {cpu_mean:.3f} s per step, {rate:.2f} captions/s")
    if args.json:
        with open(args.json, 'w') as f:
            json.dump({'model': args.model.upper(), 'img_dim': args.img_dim, 'word_dim': args.word_dim,
                       'embed_size': args.embed_size, 'sim_dim': args.sim_dim, 'batch_size': args.batch_size,
                       'words': args.words, 'threads': args.threads, 'steps': args.steps,
                       'seconds_per_step': walls, 'cpu_seconds_per_step': cpus, 'mean_seconds_per_step': mean,
                       'mean_cpu_seconds_per_step': cpu_mean, 'captions_per_second': rate,
                       'max_rss_kb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                       'torch': torch.__version__}, f, indent=2)
            f.write('\n')


if __name__ == '__main__':
    main()
