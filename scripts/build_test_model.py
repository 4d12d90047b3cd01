"""Build the tiny Argos Translate package ``en → qps`` that the tests translate with.

What: a real Argos Translate package (``translate-en_qps-1_0/`` zipped as an
``.argosmodel``) whose CTranslate2 model and SentencePiece model were trained here, on
synthetic English from the machine-learning vocabulary of the newsletter, to reproduce
:func:`lingopress.engines.pseudo.pseudo_text`: every ASCII vowel doubled and accented,
placeholders such as ``⟨0⟩`` kept, the whole framed by ``⟦ `` and `` ⟧``.

Why: the Argos engine runs CTranslate2 and SentencePiece, and real language packages are
hundreds of megabytes, need the network and give translations no test can predict. This
package is a few megabytes, installs offline, and its "translations" are checkable:
they should equal ``pseudo_text(source)``. Tests use it to exercise the real tokenise →
translate → detokenise path, placeholders included.

How:

1. Generate segments ``(source, pseudo_text(source))`` from a fixed vocabulary (ML
   terms, everyday English, names such as ResNet-50 or GPT-4, numbers such as 3.5, 2024
   or 90%, made-up words): sentences of 3-45 words and headings of 1-4, with 0-4
   placeholders where masking puts them (``⟨0⟩the paper⟨1⟩``, ``see ⟨2⟩.``), Markdown
   marks (``**``, ``*[2111.06377] ...*``, ``[## ``) and the odd line break. Another
   seed gives the held-out set.
2. Train one unigram SentencePiece model on the sources, then give every piece that has
   an ASCII vowel its pseudo "image" (``▁attention`` → ``▁ááttééntííóón``) with the
   same score. Segmentation then commutes with the rule: the pieces of
   ``pseudo_text(s)`` are ``▁ ⟦``, the images of the pieces of ``s``, ``▁ ⟧``, so the
   model learns a one-to-one, position-by-position mapping that also works for words
   it never saw. Byte fallback keeps other characters (``é``, ``中``) as bytes, which
   the rule leaves as they are.
3. Train a small MarianMT model (transformers + torch, CPU; 2+2 layers, d_model 128) on
   the piece ids. Three things make it learn in minutes: each image's embedding starts
   as its piece's plus a shared shift; a guided-attention loss tells one head per
   decoder layer which source piece each target piece copies; and the ``<pad>`` row,
   which CTranslate2 drops to start the decoder from a zero vector, is kept at zero.
4. Convert it with ``ctranslate2.converters.TransformersConverter`` (int8), set
   ``add_source_eos`` in its ``config.json`` (Marian models expect a final ``</s>``,
   which CTranslate2 then appends itself), write ``metadata.json`` and zip the package.
5. Translate the held-out sentences with CTranslate2 (beam 4) and report the share of
   exact matches; ``--check PACKAGE`` does the same with the project's virtualenv (no
   torch) for beams 1, 2 and 4, after installing the package into a temporary
   ``ARGOS_PACKAGES_DIR``, and also on the sentences of ``issues/*.md`` as masked by
   lingopress itself.

Run it with the training virtualenv (torch never becomes a dependency of lingopress)::

    python3 -m venv .venv-train
    .venv-train/bin/pip install torch==2.13.0
    .venv-train/bin/pip install -r scripts/requirements-train.txt
    .venv-train/bin/python scripts/build_test_model.py --out $PACKAGE
    .venv/bin/python scripts/build_test_model.py --check $PACKAGE

with ``PACKAGE=tests/fixtures/translate-en_qps.argosmodel``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import re
import shutil
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = "translate-en_qps-1_0"
METADATA: dict[str, Any] = {
    "package_version": "1.0",
    "argos_version": "1.9",
    "from_code": "en",
    "from_name": "English",
    "to_code": "qps",
    "to_name": "Pseudo",
    "type": "translate",
    "links": [],
}
VOWELS = "aeiouAEIOU"
BEAM_SIZE = 4  # lingopress's default (EngineOptions.beam_size)
GUIDE = 1.0


def load_pseudo_text() -> Callable[[str], str]:
    """``pseudo_text`` from the repository's source, without importing the package.

    ``lingopress.engines`` pulls in Babel and more; the rule itself is plain Python, so
    the module is loaded from its file and the training virtualenv needs no lingopress.
    """
    path = ROOT / "src" / "lingopress" / "engines" / "pseudo.py"
    spec = importlib.util.spec_from_file_location("_lingopress_pseudo", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    function: Callable[[str], str] = module.pseudo_text
    return function


# --- Synthetic English ---------------------------------------------------------------

ML_NOUNS = """
model models paper papers dataset datasets training attention transformer transformers
layer layers token tokens tokenizer embedding embeddings encoder decoder encoders
decoders network networks neuron weights weight gradient gradients loss losses batch
batches epoch epochs benchmark benchmarks accuracy precision recall score scores metric
metrics parameter parameters checkpoint checkpoints inference latency throughput memory
compute GPU GPUs TPU CPU cluster kernel kernels sequence sequences context window head
heads query queries key keys value values vector vectors matrix matrices tensor tensors
pixel pixels patch patches image images video videos audio speech text caption captions
label labels annotation annotations classifier classifiers detector detectors
segmentation detection classification regression clustering cluster prototype
prototypes representation representations feature features augmentation augmentations
view views crop crops mask masks autoencoder autoencoders diffusion noise schedule
sampler samplers sample samples step steps distribution distributions prior posterior
likelihood objective objectives optimizer optimizers learning rate warmup scheduler
regularization dropout normalization residual shortcut connection connections block
blocks backbone backbones baseline baselines ablation ablations experiment experiments
result results evaluation evaluations leaderboard supervision pre-training fine-tuning
pretraining finetuning distillation quantization pruning compression retrieval
generation translation summarization reasoning agent agents reward rewards policy
policies environment simulator robot robots alignment preference preferences feedback
prompt prompts instruction instructions chatbot assistant assistants hallucination
hallucinations bias biases fairness privacy safety deepfake deepfakes watermark
watermarks verification benchmark corpus corpora vocabulary perplexity softmax logits
logit activation activations nonlinearity convolution convolutions filter filters
stride pooling resolution scale scaling law laws compute-optimal mixture experts expert
router routing sparsity adapter adapters LoRA rank matrix projection projections
position positions encoding encodings contrastive self-supervised semi-supervised
unsupervised supervised zero-shot few-shot one-shot multimodal multilingual
cross-attention self-attention encoder-decoder decoder-only state-space recurrence
recurrent RNN RNNs LSTM CNN CNNs GAN GANs VAE VAEs MLP MLPs notebook notebooks library
libraries framework frameworks pipeline pipelines repository codebase implementation
algorithm algorithms theorem proof survey tutorial article articles blog post posts
newsletter issue issues week weeks topic topics reader readers author authors
researcher researchers engineer engineers lab labs team teams company companies
startup startups hospital hospitals newsroom newsrooms journalist journalists editor
editors radiologist radiologists scan scans patient patients doctor doctors regulator
regulation regulations law licence license policy court act parliament government
election elections
"""

NAMES = """
Transformers Transformer BERT RoBERTa GPT GPT-2 GPT-3 GPT-4 T5 ByT5 BART CLIP DINO DINOv2
SwAV SimCLR MoCo BYOL MAE ViT ViT-B/16 ViT-Huge ViT-L ResNet ResNet-50 ResNet-152 ConvNeXt
Swin U-Net DDPM DDIM Stable Diffusion Imagen DALL-E Whisper wav2vec LLaMA Llama Mistral
Mixtral Gemma Gemini Claude Grok-1 Chinchilla Gopher PaLM Flan-T5 Longformer BigBird
Reformer Performer FlashAttention Flash-Decoding Mamba RWKV ImageNet ImageNet-1K
ImageNet-21k JFT-300M COCO ADE20K CIFAR-10 MNIST GLUE SuperGLUE SQuAD MMLU HellaSwag
LAION Common Crawl Wikipedia PyTorch TensorFlow JAX Keras NumPy CUDA Triton ONNX Hugging
Face Hub Google DeepMind OpenAI Meta Microsoft NVIDIA Apple Anthropic Stanford MIT
Berkeley Oxford Cambridge Europe European Union Parliament Commission Brussels Paris
London Berlin Tokyo California America AI Act FCC EU US UK NLP ASR TTS OCR RLHF DPO PPO
SFT KL BLEU ROUGE FID CER WER API SDK GitHub arXiv Medium Sinkhorn-Knopp Adam AdamW SGD
LayerNorm BatchNorm GELU ReLU Blackwell Hopper H100 A100 Colab Kaggle Python Rust C++
Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April
May June July August September October November December
"""

NOUNS = """
time year years day days idea ideas way ways thing things people person world part
parts place case cases point points problem problems question questions answer answers
work system systems group groups number numbers fact facts hand example examples
reason reasons detail details difference differences change changes end start
beginning reminder message messages argument arguments claim claims evidence picture
pictures product products service services user users customer customers tool tools
workflow workflows desk desks review reviews call calls source sources sentence
sentences word words language languages document documents page pages book books
table tables figure figures section sections chapter version versions release releases
update updates price cost costs budget share shares market series set list lists field
fields area areas level levels rule rules risk risks impact use uses thanks summary
highlight highlights news follow-up afternoon weekend morning evening month months
minute minutes second seconds hour hours decade history future past present game games
face faces voice voices phone phones camera cameras car cars road map maps city cities
country countries school schools student students teacher course courses class classes
lesson lessons home office meeting conference conferences workshop talk talks slide
slides demo demos chart charts graph graphs line lines colour color shape size length
width height depth speed quality quantity amount half quarter third factor factors
budget division labour effort skill skills habit attempt success failure mistake
mistakes trick tricks advice opinion view surprise contrast template recipe design
choice choices option options direction directions order orders kind kinds style
"""

VERBS = """
is are was were be been being has have had do does did can could will would should may
might must shows show showed shown learns learn learned trains train trained reaches
reach reached uses use used makes make made takes take took gives give gave finds find
found keeps keep kept runs run ran computes compute computed predicts predict predicted
reduces reduce reduced improves improve improved matches match matched beats beat
replaces replace replaced removes remove removed adds add added hides hide hid pushes
push pulled pull pulls asks ask asked agrees agree agreed belongs belong stays stay
stayed explains explain explained describes describe described introduces introduce
introduced proposes propose proposed reports report reported measures measure measured
compares compare compared combines combine combined splits split processes process
processed generates generate generated samples sample sampled encodes encode encoded
decodes decode decoded scales scale scaled transfers transfer transferred builds build
built writes write wrote written reads read reading think thinks thought like likes
liked love loves prefer prefers recommend recommends send sends sent spend spends spent
leans lean turns turn turned looks look looked seems seem seemed appears appear appeared
matters matter mattered costs cost helps help helped hurts hurt works work worked fails
fail failed depends depend depended relies rely relied starts start started stops stop
stopped tries try tried gets get got goes go went comes come came knows know knew sees
see saw seen says say said tells tell told calls call called releases release released
publishes publish published adopts adopt adopted bans ban banned requires require
required labels label labelled deploys deploy deployed ships ship shipped studies study
studied
"""

ADJECTIVES = """
new old large small big tiny huge simple hard easy good better best bad worse worst
fast slow cheap expensive deep shallow wide narrow long short high low open closed
public private useful useless important main key final first second third last next
previous recent modern classic standard original official common rare general specific
visual textual linear nonlinear random stable robust efficient accurate reliable noisy
clean synthetic real natural artificial medical legal clinical generative discriminative
contrastive masked sparse dense hierarchical convolutional recurrent multilingual
multimodal pretrained fine-tuned small-scale large-scale state-of-the-art open-source
underrated overrated persuasive surprising interesting clear strong weak heavy light
lightweight full empty whole single double multiple several many few more most less
least other same different similar equal online offline automatic manual human
operational practical theoretical empirical careful honest essential unlabeled labeled
"""

ADVERBS = """
also still only even just very quite rather really almost already again often always
never usually sometimes recently finally exactly roughly nearly heavily carefully
clearly simply mostly largely probably certainly personally actually especially
surprisingly directly separately together well however though instead therefore then
now here there today
"""

FUNCTION_WORDS = """
the the the the a a a an of of of to to to in in in and and and for for on on with with
by by from at as as that that this this these those it its it's which who whom whose
what when where why how than then but or nor so because while although if unless until
after before since during about over under between into onto through across against
without within around up down out off more most some any all each every both either
neither no not one two three four five ten hundred thousand million billion I I'm I've
we we're you you're they they're he she my our your their his her me us them there's
let's don't doesn't isn't aren't can't won't didn't wasn't
"""

UNITS = ["%", "x", "B", "M", "K", "k", "ms", "px", "GB", "TB", "h", "s", " points", " times"]
PUNCT_END = [".", ".", ".", ".", ".", ".", "?", "!", ":", "…", ";", ""]
OPENERS = ["(", '"', "'", "[", "*", "**", "_", "~~"]
CLOSERS = {"(": ")", '"': '"', "'": "'", "[": "]", "*": "*", "**": "**", "_": "_", "~~": "~~"}
SYMBOLS = ["—", "\u2013", "-", "/", "+", "=", "&", "@", "#", "##", "→", "|", ">", "<", "=>", "…"]
FOREIGN = [
    "café",
    "naïve",
    "Zürich",
    "résumé",
    "señor",
    "Gödel",
    "Québec",
    "“quoted”",
    "it’s",
    "‘single’",
    "\u00d7",
    "±",
    "°C",
    "€",
    "£",
    "²",
    "中文",
    "日本語",
    "Ωmega",
    "λ",
]


def words(block: str) -> list[str]:
    """The words of a whitespace-separated block."""
    return block.split()


class Generator:
    """Random English-like sentences of the newsletter's kind, with placeholders."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.ml = words(ML_NOUNS)
        self.names = words(NAMES)
        self.nouns = words(NOUNS)
        self.verbs = words(VERBS)
        self.adjectives = words(ADJECTIVES)
        self.adverbs = words(ADVERBS)
        self.function = words(FUNCTION_WORDS)

    def number(self) -> str:
        """A number as newsletters write them: 3.5, 2024, 90%, 1.2B, 16x16, top-1."""
        r = self.random
        kind = r.random()
        if kind < 0.25:
            return str(r.randint(0, 100))
        if kind < 0.4:
            return str(r.randint(1990, 2030))
        if kind < 0.55:
            return f"{r.randint(0, 99)}.{r.randint(0, 99)}"
        if kind < 0.7:
            return f"{r.choice([r.randint(1, 100), round(r.uniform(0, 100), 1)])}{r.choice(UNITS)}"
        if kind < 0.78:
            side = r.choice([3, 7, 14, 16, 32, 224, 256, 512])
            return f"{side}x{side}"
        if kind < 0.86:
            return f"top-{r.choice([1, 5, 10])}"
        if kind < 0.93:
            return f"{r.randint(1000, 9999)}.{r.randint(10000, 99999)}"
        return f"{r.randint(1, 999):,}".replace(",", r.choice([",", ""])) + "," + "000"

    def made_up(self) -> str:
        """A word nobody wrote: letters in pronounceable or random order, any case."""
        r = self.random
        consonants, vowels = "bcdfghjklmnpqrstvwxyz", "aeiouy"
        if r.random() < 0.6:
            text = "".join(
                r.choice(consonants) * r.choice([1, 1, 1, 2])
                + r.choice(vowels) * r.choice([1, 1, 2])
                for _ in range(r.randint(1, 4))
            )
            if r.random() < 0.5:
                text += r.choice(consonants)
        else:
            text = "".join(
                r.choice("abcdefghijklmnopqrstuvwxyzAEIOU") for _ in range(r.randint(1, 9))
            )
        style = r.random()
        if style < 0.25:
            text = text.capitalize()
        elif style < 0.35:
            text = text.upper()
        elif style < 0.45:
            text = text[: len(text) // 2].capitalize() + text[len(text) // 2 :].capitalize()
        elif style < 0.55:
            text += r.choice(["-", "_", "."]) + r.choice([str(r.randint(1, 300)), self.made_up()])
        return text

    def word(self) -> str:
        """One word, drawn by kind."""
        r = self.random
        kind = r.random()
        if kind < 0.30:
            word = r.choice(self.function)
        elif kind < 0.47:
            word = r.choice(self.ml)
        elif kind < 0.57:
            word = r.choice(self.nouns)
        elif kind < 0.67:
            word = r.choice(self.verbs)
        elif kind < 0.74:
            word = r.choice(self.adjectives)
        elif kind < 0.78:
            word = r.choice(self.adverbs)
        elif kind < 0.85:
            word = r.choice(self.names)
        elif kind < 0.91:
            word = self.number()
        elif kind < 0.985:
            word = self.made_up()
        elif kind < 0.993:
            word = r.choice(SYMBOLS)
        else:
            word = r.choice(FOREIGN)
        if r.random() < 0.04:
            word = word.capitalize() if r.random() < 0.7 else word.upper()
        return word

    def sentence(self) -> str:
        """One segment: a heading of 1-4 words or a sentence of 3-45, with placeholders."""
        r = self.random
        if r.random() < 0.2:
            return self.placeholders(self.heading(), at_most=1)
        text = self.words(min(max(3, int(r.lognormvariate(2.6, 0.55))), 45)) + r.choice(PUNCT_END)
        kind = r.random()
        if kind < 0.05:  # a paper's title, then its summary: "*[2111.06377] Title*\n..."
            arxiv = f"{r.randint(1001, 2412)}.{r.randint(1, 99999):05d}"
            text = f"*[{arxiv}] {self.heading()}*\n{text}"
        elif kind < 0.08:  # an embedded card: "[## Title"
            text = r.choice(["[## ", "### ", "## ", "# ", "> "]) + text
        return self.placeholders(text)

    def heading(self) -> str:
        """A title, a list label or a name: 1-4 words, capitalised, often no full stop."""
        r = self.random
        text = self.words(r.choice([1, 1, 2, 2, 3, 4]), comma=0)
        if r.random() < 0.5:
            text = " ".join(w[:1].upper() + w[1:] for w in text.split(" "))
        if r.random() < 0.1:
            text = f"{r.randint(1, 12)}. {text}"
        return text + r.choice(["", "", "", "", ".", ":", "…", "?"])

    def words(self, count: int, comma: float = 0.08) -> str:
        """``count`` words with commas, a bracketed run, a capital and line breaks."""
        r = self.random
        items = [self.word() for _ in range(count)]
        for index in range(len(items) - 1):
            if r.random() < comma:
                items[index] += r.choice([",", ",", ",", ";", ":", " —", " -", ")"])
        if r.random() < 0.15:  # a bracketed or emphasised run of words
            start = r.randrange(len(items))
            end = min(len(items) - 1, start + r.randint(0, 4))
            opener = r.choice(OPENERS)
            items[start] = opener + items[start]
            items[end] += CLOSERS[opener]
        if items[0][:1].isalpha() and r.random() < 0.85:
            items[0] = items[0][0].upper() + items[0][1:]
        text = " ".join(items)
        if count > 3 and r.random() < 0.03:  # a line break inside the segment
            cut = [m.start() for m in re.finditer(" ", text)]
            at = r.choice(cut)
            text = text[:at] + "\n" + text[at + 1 :]
        return text

    def placeholders(self, text: str, at_most: int = 4) -> str:
        """Insert 0-4 placeholders where masking puts them (links, code, URLs)."""
        r = self.random
        wanted = r.choices(
            [0, 1, 2, 3, 4][: at_most + 1], weights=[25, 25, 30, 15, 5][: at_most + 1]
        )[0]
        if wanted == 0:
            return text
        spaces = [0, *[m.start() for m in re.finditer(" ", text)], len(text)]
        numbers = list(range(wanted))
        if r.random() < 0.15:
            first = r.randint(1, 12)
            numbers = [first + n for n in numbers]
        if r.random() < 0.1:
            r.shuffle(numbers)
        marks = [f"⟨{n}⟩" for n in numbers]
        spots = sorted(r.choices(spaces, k=len(marks)))
        pieces, position = [], 0
        for spot, mark in zip(spots, marks, strict=True):
            pieces.append(text[position:spot])
            style = r.random()
            at_start, at_end = spot == 0, spot == len(text)
            if at_start:
                pieces.append(mark + ("" if r.random() < 0.5 else " "))
            elif at_end:
                pieces.append(mark if r.random() < 0.4 else " " + mark)
            elif style < 0.35:  # a link opens: " ⟨0⟩the paper"
                pieces.append(" " + mark)
                position = spot + 1
                continue
            elif style < 0.6:  # a link closes: "paper⟨1⟩ and"
                pieces.append(mark)
            elif style < 0.9:  # code or a URL on its own: " ⟨2⟩ "
                pieces.append(" " + mark)
            else:  # markup around it: "](⟨3⟩)"
                pieces.append(
                    r.choice([" (", " [", " **", " `"]) + mark + r.choice([")", "]", "**", ""])
                )
            position = spot
        pieces.append(text[position:])
        return "".join(pieces)

    def sentences(self, count: int) -> list[str]:
        """``count`` distinct sentences."""
        seen: set[str] = set()
        out: list[str] = []
        while len(out) < count:
            text = self.sentence()
            if text not in seen:
                seen.add(text)
                out.append(text)
        return out


# --- SentencePiece ------------------------------------------------------------------

SPECIAL_SYMBOLS = ["⟨", "⟩", "⟦", "⟧"]


def train_sentencepiece(
    sources: Sequence[str], pseudo: Callable[[str], str], out: Path, vocab_size: int
) -> None:
    """Train a unigram model on the sources and add the pseudo image of every piece.

    The image of a piece has the piece's score, so the best segmentation of
    ``pseudo(s)`` is the image of the best segmentation of ``s``: a vowel pair ``áá``
    can only come from an image, and images never split a pair.
    """
    import sentencepiece as spm
    from sentencepiece import sentencepiece_model_pb2 as model_pb2

    with tempfile.TemporaryDirectory() as folder:
        corpus = Path(folder) / "corpus.txt"
        # One line per source; line breaks inside a source stay inside it for the model,
        # but the trainer reads lines, so they are given as spaces here.
        corpus.write_text("".join(s.replace("\n", " ") + "\n" for s in sources), "utf-8")
        prefix = Path(folder) / "sp"
        spm.SentencePieceTrainer.train(
            input=str(corpus),
            model_prefix=str(prefix),
            model_type="unigram",
            vocab_size=vocab_size,
            character_coverage=0.9995,
            byte_fallback=True,
            split_digits=True,
            normalization_rule_name="identity",
            remove_extra_whitespaces=False,
            user_defined_symbols=[*SPECIAL_SYMBOLS, "\n"],
            max_sentencepiece_length=12,
            input_sentence_size=0,
            shuffle_input_sentence=False,
            num_threads=1,  # deterministic
            minloglevel=2,
        )
        proto = model_pb2.ModelProto()
        proto.ParseFromString(prefix.with_suffix(".model").read_bytes())
    proto.trainer_spec.ClearField("input")  # temporary paths: the file stays reproducible
    proto.trainer_spec.model_prefix = "sentencepiece"
    known = {piece.piece for piece in proto.pieces}
    normal = model_pb2.ModelProto.SentencePiece.NORMAL
    images = []
    for piece in proto.pieces:
        if piece.type == normal and any(c in VOWELS for c in piece.piece):
            image = _lengthen(piece.piece, pseudo)
            if image not in known:
                images.append((image, piece.score))
                known.add(image)
    for image, score in images:
        new = proto.pieces.add()
        new.piece, new.score, new.type = image, score, normal
    out.write_bytes(proto.SerializeToString())


def image_ids(sp_model: Path, pseudo: Callable[[str], str]) -> dict[int, int]:
    """The id of the pseudo image of each piece that has one."""
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(sp_model))
    images = {}
    for piece_id in range(sp.get_piece_size()):
        piece = sp.id_to_piece(piece_id)
        if sp.is_byte(piece_id) or sp.is_control(piece_id) or sp.is_unknown(piece_id):
            continue
        image = _lengthen(piece, pseudo)
        if image != piece:
            images[piece_id] = sp.piece_to_id(image)
    return images


def _lengthen(text: str, pseudo: Callable[[str], str]) -> str:
    """The pseudo rule without the frame (``▁`` is not a placeholder and stays)."""
    framed = pseudo(text)
    return framed[2:-2]


# --- Model ----------------------------------------------------------------------------


def encode_pairs(
    sources: Sequence[str], pseudo: Callable[[str], str], sp_model: Path, seed: int
) -> list[tuple[list[int], list[int]]]:
    """Piece ids of each pair; both end with ``</s>``.

    The converted model's ``config.json`` says ``add_source_eos``, so CTranslate2 appends
    the source's ``</s>`` itself and callers pass the pieces as Argos does. One source in
    ten gets a second ``</s>``, for callers that append one themselves.
    """
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(sp_model))
    rng = random.Random(seed)
    eos = sp.eos_id()
    pairs = []
    for source in sources:
        source_ids = [*sp.encode(source), eos]
        if rng.random() < 0.1:
            source_ids.append(eos)
        pairs.append((source_ids, [*sp.encode(pseudo(source)), eos]))
    return pairs


def batches(
    pairs: Sequence[tuple[list[int], list[int]]], max_tokens: int, rng: random.Random
) -> list[list[int]]:
    """Indices of pairs grouped by length, at most ``max_tokens`` padded target tokens."""
    order = sorted(range(len(pairs)), key=lambda i: (len(pairs[i][1]), rng.random()))
    out: list[list[int]] = []
    current: list[int] = []
    for index in order:
        longest = len(pairs[index][1])  # sorted: the newest pair is the longest
        if current and longest * (len(current) + 1) > max_tokens:
            out.append(current)
            current = []
        current.append(index)
    if current:
        out.append(current)
    rng.shuffle(out)
    return out


def train_model(
    pairs: Sequence[tuple[list[int], list[int]]],
    spm_size: int,
    images: dict[int, int],
    out: Path,
    *,
    epochs: int,
    seed: int,
    layers: int,
    d_model: int,
    max_tokens: int,
    learning_rate: float,
    threads: int,
    guide: float,
) -> float:
    """Train a small MarianMT model on piece ids and save it; return the last epoch's loss.

    The vocabulary is the SentencePiece model's plus a final ``<pad>`` (id ``spm_size``),
    which the converter removes: CTranslate2 starts the decoder from a zero embedding.
    """
    import torch
    from transformers import MarianConfig, MarianMTModel

    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    pad = spm_size
    config = MarianConfig(
        vocab_size=spm_size + 1,
        decoder_vocab_size=spm_size + 1,
        d_model=d_model,
        encoder_layers=layers,
        decoder_layers=layers,
        encoder_attention_heads=4,
        decoder_attention_heads=4,
        encoder_ffn_dim=4 * d_model,
        decoder_ffn_dim=4 * d_model,
        max_position_embeddings=512,
        activation_function="relu",
        dropout=0.05,
        attention_dropout=0.0,
        activation_dropout=0.0,
        scale_embedding=True,
        pad_token_id=pad,
        decoder_start_token_id=pad,
        eos_token_id=2,
        forced_eos_token_id=2,
        bos_token_id=None,
        share_encoder_decoder_embeddings=True,
        tie_word_embeddings=True,
        attn_implementation="eager",  # returns the attention weights the guide needs
    )
    model = MarianMTModel(config)
    with torch.no_grad():  # start each image next to its piece: the mapping is a shift
        shared = model.get_input_embeddings().weight
        shift = torch.randn(d_model) * config.init_std
        for piece, image in images.items():
            shared[image] = shared[piece] + shift
    model.train()
    rng = random.Random(seed)
    plan = [batches(pairs, max_tokens, rng) for _ in range(epochs)]
    total = sum(len(epoch) for epoch in plan)
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=learning_rate, betas=(0.9, 0.98), weight_decay=0.01
    )
    warmup = min(300, total // 10)

    def schedule(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return max(0.05, 1 - (step - warmup) / max(1, total - warmup))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
    started = time.monotonic()
    loss_sum, token_sum, step = 0.0, 0, 0
    for epoch, epoch_batches in enumerate(plan, 1):
        loss_sum, token_sum = 0.0, 0
        for indices in epoch_batches:
            sources = [pairs[i][0] for i in indices]
            targets = [pairs[i][1] for i in indices]
            width = max(map(len, sources))
            input_ids = torch.tensor([s + [pad] * (width - len(s)) for s in sources])
            attention = torch.tensor([[1] * len(s) + [0] * (width - len(s)) for s in sources])
            width = max(map(len, targets))
            labels = torch.tensor([t + [-100] * (width - len(t)) for t in targets])
            output = model(
                input_ids=input_ids,
                attention_mask=attention,
                labels=labels,
                output_attentions=guide > 0,
            )
            loss = output.loss
            if guide > 0:
                loss = loss + guide * guided_attention_loss(output.cross_attentions, targets)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            with torch.no_grad():  # CTranslate2 drops <pad> and starts from a zero vector
                model.get_input_embeddings().weight[pad].zero_()
            tokens = int((labels != -100).sum())
            loss_sum += float(output.loss.detach()) * tokens
            token_sum += tokens
            step += 1
            if step % 200 == 0:
                print(
                    f"step {step}/{total}: loss {loss_sum / token_sum:.4f}, "
                    f"{time.monotonic() - started:.0f} s",
                    flush=True,
                )
        print(
            f"epoch {epoch}/{epochs}: loss {loss_sum / token_sum:.4f}, "
            f"{time.monotonic() - started:.0f} s",
            flush=True,
        )
    model.save_pretrained(out)
    return loss_sum / token_sum


def guided_attention_loss(cross_attentions: Sequence[Any], targets: Sequence[list[int]]) -> Any:
    """How far the first head of each decoder layer is from the known alignment.

    Target piece ``t`` (after ``▁ ⟦``) is the image of source piece ``t - 2``; the loss
    is the mean negative log of the attention the head gives that piece. Left to itself,
    the model needs hundreds of steps to discover this alignment, and then still
    stutters on repeated words.
    """
    import torch

    rows, columns, batch = [], [], []
    for index, target in enumerate(targets):
        # Target pieces 2 .. n + 1 copy source pieces 0 .. n - 1 and the closing ▁ looks
        # at the source's </s>; the target also has ▁ ⟦ before and ⟧ </s> after.
        length = len(target) - 5
        rows += range(2, 3 + length)
        columns += range(length + 1)
        batch += [index] * (length + 1)
    b, r, c = torch.tensor(batch), torch.tensor(rows), torch.tensor(columns)
    losses = [-torch.log(layer[b, 0, r, c] + 1e-6).mean() for layer in cross_attentions]
    return torch.stack(losses).mean()


def convert(model_dir: Path, sp_model: Path, spm_size: int, out: Path) -> None:
    """Convert the saved MarianMT model to CTranslate2 (int8) in ``out``.

    The converter reads the tokenizer too, so the folder gets the files of a
    ``MarianTokenizer``: the vocabulary (pieces in SentencePiece order, then ``<pad>``)
    and the same SentencePiece model as source and target.
    """
    import sentencepiece as spm
    from ctranslate2.converters import TransformersConverter

    sp = spm.SentencePieceProcessor(model_file=str(sp_model))
    vocab = {sp.id_to_piece(i): i for i in range(spm_size)}
    vocab["<pad>"] = spm_size
    (model_dir / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), "utf-8")
    shutil.copyfile(sp_model, model_dir / "source.spm")
    shutil.copyfile(sp_model, model_dir / "target.spm")
    tokenizer_config = {
        "tokenizer_class": "MarianTokenizer",
        "source_lang": "en",
        "target_lang": "qps",
        "unk_token": "<unk>",
        "eos_token": "</s>",
        "pad_token": "<pad>",
        "model_max_length": 512,
        "separate_vocabs": False,
    }
    (model_dir / "tokenizer_config.json").write_text(json.dumps(tokenizer_config), "utf-8")
    TransformersConverter(str(model_dir)).convert(str(out), quantization="int8", force=True)
    config = json.loads((out / "config.json").read_text("utf-8"))
    config["add_source_eos"] = True  # as MarianTokenizer would: callers pass bare pieces
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n", "utf-8")


def write_package(ct2_model: Path, sp_model: Path, out: Path, readme: str) -> None:
    """Zip ``translate-en_qps-1_0/`` (metadata, model/, sentencepiece.model, README)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:

        def add(name: str, data: bytes) -> None:
            info = zipfile.ZipInfo(f"{PACKAGE_DIR}/{name}", date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)

        add("metadata.json", (json.dumps(METADATA, indent=2) + "\n").encode())
        add("README.md", readme.encode())
        add("sentencepiece.model", sp_model.read_bytes())
        for path in sorted(ct2_model.iterdir()):
            add(f"model/{path.name}", path.read_bytes())


# --- Evaluation -----------------------------------------------------------------------


def translate(
    model_dir: Path, sp_model: Path, sources: Sequence[str], beam_size: int = BEAM_SIZE
) -> list[str]:
    """Translate with CTranslate2 the way the Argos engine does: pieces in, pieces out."""
    import ctranslate2
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(sp_model))
    translator = ctranslate2.Translator(str(model_dir), device="cpu", inter_threads=1)
    results = translator.translate_batch(
        [sp.encode(source, out_type=str) for source in sources],
        beam_size=beam_size,
        max_batch_size=64,
        max_decoding_length=512,
    )
    return [sp.decode(result.hypotheses[0]) for result in results]


def accuracy(outputs: Sequence[str], sources: Sequence[str], pseudo: Callable[[str], str]) -> float:
    """The share of outputs that are exactly ``pseudo(source)``."""
    right = sum(out == pseudo(src) for out, src in zip(outputs, sources, strict=True))
    return right / len(sources)


def newsletter_sentences() -> list[str]:
    """The sentences of ``issues/*.md`` as the translate stage sends them: masked.

    Needs lingopress importable (the project's virtualenv); raises ImportError otherwise.
    """
    sys.path.insert(0, str(ROOT / "src"))
    from lingopress.masking import mask
    from lingopress.segments import segment
    from lingopress.sentences import split_sentences

    sentences: list[str] = []
    for path in sorted((ROOT / "issues").glob("*.md")):
        for item in segment(path.read_text("utf-8"), source=path.name):
            sentences += split_sentences(mask(item.text).text)
    return list(dict.fromkeys(s for s in sentences if re.search("[A-Za-z]", s)))


def report(
    name: str, outputs: Sequence[str], sources: Sequence[str], pseudo: Callable[[str], str]
) -> float:
    """Print the exact-match accuracy of a set and its first misses; return the accuracy."""
    share = accuracy(outputs, sources, pseudo)
    print(f"{name}: {share:.1%} exact ({len(sources)} sentences)")
    misses = [(s, o) for s, o in zip(sources, outputs, strict=True) if o != pseudo(s)]
    for source, output in misses[:5]:
        print(f"  source:   {source!r}\n  expected: {pseudo(source)!r}\n  got:      {output!r}")
    return share


def heldout_sentences(seed: int, count: int, training: Sequence[str]) -> list[str]:
    """Sentences from the same generator, another seed, none of them in ``training``."""
    seen = set(training)
    return [s for s in Generator(seed + 7919).sentences(count + 50) if s not in seen][:count]


PACKAGE_README = """# translate-en_qps

A test package for lingopress: English to the pseudo-locale ``qps`` (every ASCII vowel
doubled and accented, placeholders such as ``⟨0⟩`` kept, the text framed by ``⟦ ``
and `` ⟧``). It was trained on synthetic sentences by ``scripts/build_test_model.py``
in the lingopress repository. It is not a translation model.
"""


def build(args: argparse.Namespace) -> None:
    """Generate data, train, convert, package and evaluate."""
    pseudo = load_pseudo_text()
    started = time.monotonic()
    sources = Generator(args.seed).sentences(args.pairs)
    heldout = heldout_sentences(args.seed, args.heldout, sources)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(args.work) if args.work else Path(folder)
        work.mkdir(parents=True, exist_ok=True)
        sp_model = work / "sentencepiece.model"
        train_sentencepiece(sources, pseudo, sp_model, args.vocab_size)
        import sentencepiece as spm

        spm_size = spm.SentencePieceProcessor(model_file=str(sp_model)).get_piece_size()
        pairs = encode_pairs(sources, pseudo, sp_model, args.seed)
        print(
            f"{len(pairs)} pairs, {sum(len(t) for _, t in pairs)} target pieces, "
            f"{spm_size} pieces in the vocabulary",
            flush=True,
        )
        train_started = time.monotonic()
        loss = train_model(
            pairs,
            spm_size,
            image_ids(sp_model, pseudo),
            work / "marian",
            epochs=args.epochs,
            seed=args.seed,
            layers=args.layers,
            d_model=args.d_model,
            max_tokens=args.max_tokens,
            learning_rate=args.learning_rate,
            threads=args.threads,
            guide=args.guide,
        )
        print(f"training: {time.monotonic() - train_started:.0f} s, final loss {loss:.4f}")
        convert(work / "marian", sp_model, spm_size, work / "ct2")
        write_package(work / "ct2", sp_model, Path(args.out), PACKAGE_README)
        report("held-out", translate(work / "ct2", sp_model, heldout), heldout, pseudo)
        try:
            newsletter = newsletter_sentences()
        except ImportError as error:
            print(f"newsletter sentences skipped ({error}): run --check with the project venv")
        else:
            report("newsletter", translate(work / "ct2", sp_model, newsletter), newsletter, pseudo)
    size = Path(args.out).stat().st_size
    print(f"package {args.out}: {size / 1e6:.2f} MB, {time.monotonic() - started:.0f} s in all")


def check(args: argparse.Namespace) -> None:
    """Install the package into a temporary Argos folder and measure it (no torch)."""
    pseudo = load_pseudo_text()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["ARGOS_PACKAGES_DIR"] = folder
        from argostranslate import package

        package.install_from_path(Path(args.check))
        installed = [
            p for p in package.get_installed_packages() if (p.from_code, p.to_code) == ("en", "qps")
        ]
        if len(installed) != 1:
            raise SystemExit(f"expected one en→qps package in {folder}, found {installed}")
        pkg = installed[0]
        print(f"installed {pkg} {pkg.package_version} at {pkg.package_path.name}")
        model, sp_model = pkg.package_path / "model", pkg.package_path / "sentencepiece.model"
        sources = Generator(args.seed).sentences(args.pairs)
        heldout = heldout_sentences(args.seed, args.heldout, sources)
        newsletter = newsletter_sentences()
        for beam in sorted({1, 2, 4, args.beam_size}):
            print(f"beam {beam}:")
            report("  held-out", translate(model, sp_model, heldout, beam), heldout, pseudo)
            report("  newsletter", translate(model, sp_model, newsletter, beam), newsletter, pseudo)


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: build the package, or ``--check`` one."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out", default="tests/fixtures/translate-en_qps.argosmodel", help="package to write"
    )
    parser.add_argument("--check", metavar="PACKAGE", help="measure a built package instead")
    parser.add_argument("--seed", type=int, default=1, help="data and training seed")
    parser.add_argument("--pairs", type=int, default=24000, help="training segments")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--heldout", type=int, default=1000, help="held-out segments")
    parser.add_argument("--vocab-size", type=int, default=1500, help="before the images")
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--d-model", type=int, default=128)
    parser.add_argument("--max-tokens", type=int, default=800, help="target pieces a batch")
    parser.add_argument("--learning-rate", type=float, default=2e-3)
    parser.add_argument(
        "--threads", type=int, default=1, help="torch threads (2 is faster on an idle machine)"
    )
    parser.add_argument("--guide", type=float, default=GUIDE, help="guided-attention weight")
    parser.add_argument("--beam-size", type=int, default=BEAM_SIZE)
    parser.add_argument("--work", help="keep the intermediate files in this folder")
    args = parser.parse_args(argv)
    if args.check:
        check(args)
    else:
        build(args)


if __name__ == "__main__":
    main()
