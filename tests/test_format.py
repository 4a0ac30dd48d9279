"""Tests for gradnb._format, the PyTorch-identical tensor repr.

Two kinds of test:

* a table of every tensor repr recorded from real PyTorch 2.13 in the reference
  transcripts (``shared/reference/``), rebuilt from numpy arrays and compared as exact
  strings.  These need no torch and are the goldens that guard the core on machines
  without it;
* differential tests against the installed torch (skipped where torch is absent):
  hypothesis draws arrays of every supported dtype and shape, and print options, and
  the text must equal ``repr(torch.from_numpy(arr))`` character for character.
"""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from gradnb import _format
from gradnb._format import get_printoptions, printoptions, set_printoptions, tensor_repr

NAN, INF = math.nan, math.inf

DTYPE_NAMES = {
    np.dtype(np.float16): "torch.float16",
    np.dtype(np.float32): "torch.float32",
    np.dtype(np.float64): "torch.float64",
    np.dtype(np.int8): "torch.int8",
    np.dtype(np.int16): "torch.int16",
    np.dtype(np.int32): "torch.int32",
    np.dtype(np.int64): "torch.int64",
    np.dtype(np.uint8): "torch.uint8",
    np.dtype(np.bool_): "torch.bool",
}
DEFAULT_OPTIONS = {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80,
                   "sci_mode": None}


def f16(x):
    return np.array(x, np.float16)


def f32(x):
    return np.array(x, np.float32)


def f64(x):
    return np.array(x, np.float64)


def i32(x):
    return np.array(x, np.int32)


def i64(x):
    return np.array(x, np.int64)


def bools(x):
    return np.array(x, np.bool_)


def arange32(*args):
    """``torch.arange`` with float arguments: a float32 range."""
    return np.arange(*args, dtype=np.float32)


def show(arr, **flags):
    """``tensor_repr`` with the dtype name read off the array, as the core passes it."""
    return tensor_repr(arr, DTYPE_NAMES[arr.dtype], **flags)


def case(source, data, expected, **flags):
    """One transcript entry: the torch statement (as test id), its array, its output."""
    return pytest.param(np.asarray(data), flags, expected, id=source)


@pytest.fixture(autouse=True)
def default_print_options():
    """Every test starts and ends with PyTorch's default options (ours and torch's)."""
    set_printoptions(profile="default")
    yield
    set_printoptions(profile="default")
    try:
        import torch
    except ImportError:
        return
    torch.set_printoptions(profile="default")


# ---------------------------------------------------------------------------------------
# Goldens: copied verbatim from shared/reference/torch-2.13-semantics-transcript.txt,
# sections "[5 repr] repr/print formats" and "[5 repr] str == repr, print of nested /
# Parameter"; the grad_fn/requires_grad flags say what the statement's tensor carries.
# ---------------------------------------------------------------------------------------

REPR_SECTION = [
    case('torch.tensor([1., 2., 3.])',
         f32([1., 2., 3.]),
         expected='tensor([1., 2., 3.])'),
    case('torch.tensor([1.5, 2.25, 3.])',
         f32([1.5, 2.25, 3.]),
         expected='tensor([1.5000, 2.2500, 3.0000])'),
    case('torch.tensor([0.1, 0.2])',
         f32([0.1, 0.2]),
         expected='tensor([0.1000, 0.2000])'),
    case('torch.tensor([1/3])',
         f32([1 / 3]),
         expected='tensor([0.3333])'),
    case('torch.tensor([0.12345678])',
         f32([0.12345678]),
         expected='tensor([0.1235])'),
    case('torch.tensor([123.456])',
         f32([123.456]),
         expected='tensor([123.4560])'),
    case('torch.tensor([-1., 2.])',
         f32([-1., 2.]),
         expected='tensor([-1.,  2.])'),
    case('torch.tensor([-1.5, 2.])',
         f32([-1.5, 2.]),
         expected='tensor([-1.5000,  2.0000])'),
    case('torch.tensor([-100., 2.5])',
         f32([-100., 2.5]),
         expected='tensor([-100.0000,    2.5000])'),
    case('torch.tensor([0.001])',
         f32([0.001]),
         expected='tensor([0.0010])'),
    case('torch.tensor([0.0001])',
         f32([0.0001]),
         expected='tensor([1.0000e-04])'),
    case('torch.tensor([0.001, 1.])',
         f32([0.001, 1.]),
         expected='tensor([0.0010, 1.0000])'),
    case('torch.tensor([0.0009, 1.])',
         f32([0.0009, 1.]),
         expected='tensor([9.0000e-04, 1.0000e+00])'),
    case('torch.tensor([0.5, 500.])',
         f32([0.5, 500.]),
         expected='tensor([  0.5000, 500.0000])'),
    case('torch.tensor([0.5, 501.])',
         f32([0.5, 501.]),
         expected='tensor([5.0000e-01, 5.0100e+02])'),
    case('torch.tensor([1., 1000.])',
         f32([1., 1000.]),
         expected='tensor([   1., 1000.])'),
    case('torch.tensor([1., 1001.])',
         f32([1., 1001.]),
         expected='tensor([1.0000e+00, 1.0010e+03])'),
    case('torch.tensor([1., 1001.5])',
         f32([1., 1001.5]),
         expected='tensor([1.0000e+00, 1.0015e+03])'),
    case('torch.tensor([99999999.])',
         f32([99999999.]),
         expected='tensor([100000000.])'),
    case('torch.tensor([100000000.])',
         f32([100000000.]),
         expected='tensor([100000000.])'),
    case('torch.tensor([100000001.])',
         f32([100000001.]),
         expected='tensor([100000000.])'),
    case('torch.tensor([1e9])',
         f32([1e9]),
         expected='tensor([1.0000e+09])'),
    case('torch.tensor([1e8 + 0.5], dtype=torch.float64)',
         f64([1e8 + 0.5]),
         expected='tensor([1.0000e+08], dtype=torch.float64)'),
    case('torch.tensor([12345.678])',
         f32([12345.678]),
         expected='tensor([12345.6777])'),
    case('torch.tensor([1234567.5])',
         f32([1234567.5]),
         expected='tensor([1234567.5000])'),
    case('torch.tensor([1e-5, 1e5])',
         f32([1e-5, 1e5]),
         expected='tensor([1.0000e-05, 1.0000e+05])'),
    case('torch.tensor([1e-10])',
         f32([1e-10]),
         expected='tensor([1.0000e-10])'),
    case('torch.tensor([-1e-10, 1.])',
         f32([-1e-10, 1.]),
         expected='tensor([-1.0000e-10,  1.0000e+00])'),
    case('torch.tensor([0., 0.])',
         f32([0., 0.]),
         expected='tensor([0., 0.])'),
    case('torch.tensor([0., 1e-5])',
         f32([0., 1e-5]),
         expected='tensor([0.0000e+00, 1.0000e-05])'),
    case('torch.tensor([-0., 1.])',
         f32([-0., 1.]),
         expected='tensor([-0., 1.])'),
    case("torch.tensor([float('nan'), 1.])",
         f32([NAN, 1.]),
         expected='tensor([nan, 1.])'),
    case("torch.tensor([float('inf'), -float('inf'), 1.5])",
         f32([INF, -INF, 1.5]),
         expected='tensor([   inf,   -inf, 1.5000])'),
    case("torch.tensor([float('nan'), float('inf')])",
         f32([NAN, INF]),
         expected='tensor([nan, inf])'),
    case('torch.tensor([1, -2, 300])',
         i64([1, -2, 300]),
         expected='tensor([  1,  -2, 300])'),
    case('torch.tensor([1, 2], dtype=torch.int32)',
         i32([1, 2]),
         expected='tensor([1, 2], dtype=torch.int32)'),
    case('torch.tensor([100000000000])',
         i64([100000000000]),
         expected='tensor([100000000000])'),
    case('torch.tensor([True, False])',
         bools([True, False]),
         expected='tensor([ True, False])'),
    case('torch.tensor([[True], [False]])',
         bools([[True], [False]]),
         expected=('tensor([[ True],\n'
                   '        [False]])')),
    case('torch.tensor(3.5)',
         f32(3.5),
         expected='tensor(3.5000)'),
    case('torch.tensor(3.)',
         f32(3.),
         expected='tensor(3.)'),
    case('torch.tensor(-3.)',
         f32(-3.),
         expected='tensor(-3.)'),
    case('torch.tensor(3)',
         i64(3),
         expected='tensor(3)'),
    case('torch.tensor(True)',
         bools(True),
         expected='tensor(True)'),
    case('torch.tensor(1e-8)',
         f32(1e-8),
         expected='tensor(1.0000e-08)'),
    case('torch.tensor(1e10)',
         f32(1e10),
         expected='tensor(1.0000e+10)'),
    case('torch.tensor(3., requires_grad=True)',
         f32(3.), requires_grad=True,
         expected='tensor(3., requires_grad=True)'),
    case('torch.tensor(3., requires_grad=True) * 2',
         f32(6.), grad_fn_name="MulBackward0",
         expected='tensor(6., grad_fn=<MulBackward0>)'),
    case('torch.tensor(3., dtype=torch.float64)',
         f64(3.),
         expected='tensor(3., dtype=torch.float64)'),
    case('torch.tensor([])',
         f32([]),
         expected='tensor([])'),
    case('torch.tensor([], dtype=torch.int64)',
         i64([]),
         expected='tensor([], dtype=torch.int64)'),
    case('torch.empty(0, 3)',
         np.empty((0, 3), np.float32),
         expected='tensor([], size=(0, 3))'),
    case('torch.zeros(2, 0)',
         np.zeros((2, 0), np.float32),
         expected='tensor([], size=(2, 0))'),
    case('torch.empty(0, 3, requires_grad=True)',
         np.empty((0, 3), np.float32), requires_grad=True,
         expected='tensor([], size=(0, 3), requires_grad=True)'),
    case('torch.tensor([1., 2.], dtype=torch.float64)',
         f64([1., 2.]),
         expected='tensor([1., 2.], dtype=torch.float64)'),
    case('torch.tensor([1., 2.], dtype=torch.float16)',
         f16([1., 2.]),
         expected='tensor([1., 2.], dtype=torch.float16)'),
    case('torch.tensor([1., 2.], dtype=torch.float64, requires_grad=True)',
         f64([1., 2.]), requires_grad=True,
         expected='tensor([1., 2.], dtype=torch.float64, requires_grad=True)'),
    case('torch.tensor([1., 2.], dtype=torch.float64, requires_grad=True) + 1',
         f64([2., 3.]), grad_fn_name="AddBackward0",
         expected='tensor([2., 3.], dtype=torch.float64, grad_fn=<AddBackward0>)'),
    case('torch.tensor([1., 2.], requires_grad=True) + 1',
         f32([2., 3.]), grad_fn_name="AddBackward0",
         expected='tensor([2., 3.], grad_fn=<AddBackward0>)'),
    case('torch.tensor([1., 2.], requires_grad=True).sum()',
         f32(3.), grad_fn_name="SumBackward0",
         expected='tensor(3., grad_fn=<SumBackward0>)'),
    case('torch.tensor([1., 2.], requires_grad=True).mean()',
         f32(1.5), grad_fn_name="MeanBackward0",
         expected='tensor(1.5000, grad_fn=<MeanBackward0>)'),
    case('torch.zeros(2, 3)',
         np.zeros((2, 3), np.float32),
         expected=('tensor([[0., 0., 0.],\n'
                   '        [0., 0., 0.]])')),
    case('torch.zeros(2, 3, 2)',
         np.zeros((2, 3, 2), np.float32),
         expected=('tensor([[[0., 0.],\n'
                   '         [0., 0.],\n'
                   '         [0., 0.]],\n'
                   '\n'
                   '        [[0., 0.],\n'
                   '         [0., 0.],\n'
                   '         [0., 0.]]])')),
    case('torch.arange(24.).reshape(2, 3, 4)',
         arange32(24).reshape(2, 3, 4),
         expected=('tensor([[[ 0.,  1.,  2.,  3.],\n'
                   '         [ 4.,  5.,  6.,  7.],\n'
                   '         [ 8.,  9., 10., 11.]],\n'
                   '\n'
                   '        [[12., 13., 14., 15.],\n'
                   '         [16., 17., 18., 19.],\n'
                   '         [20., 21., 22., 23.]]])')),
    case('torch.arange(24).reshape(2, 3, 4)',
         np.arange(24).reshape(2, 3, 4),
         expected=('tensor([[[ 0,  1,  2,  3],\n'
                   '         [ 4,  5,  6,  7],\n'
                   '         [ 8,  9, 10, 11]],\n'
                   '\n'
                   '        [[12, 13, 14, 15],\n'
                   '         [16, 17, 18, 19],\n'
                   '         [20, 21, 22, 23]]])')),
    case('torch.arange(30.)',
         arange32(30),
         expected=('tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n'
                   '        14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26., 27.,\n'
                   '        28., 29.])')),
    case('torch.arange(30)',
         np.arange(30),
         expected=('tensor([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15, 16, 17,\n'
                   '        18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29])')),
    case('torch.arange(30.) / 7',
         arange32(30) / np.float32(7),
         expected=('tensor([0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429,\n'
                   '        1.2857, 1.4286, 1.5714, 1.7143, 1.8571, 2.0000, 2.1429, 2.2857, 2.4286,\n'
                   '        2.5714, 2.7143, 2.8571, 3.0000, 3.1429, 3.2857, 3.4286, 3.5714, 3.7143,\n'
                   '        3.8571, 4.0000, 4.1429])')),
    case('torch.arange(12.).reshape(3, 4) / 7 - 0.5',
         arange32(12).reshape(3, 4) / np.float32(7) - np.float32(0.5),
         expected=('tensor([[-0.5000, -0.3571, -0.2143, -0.0714],\n'
                   '        [ 0.0714,  0.2143,  0.3571,  0.5000],\n'
                   '        [ 0.6429,  0.7857,  0.9286,  1.0714]])')),
    case('torch.arange(1000.)',
         arange32(1000),
         expected=('tensor([  0.,   1.,   2.,   3.,   4.,   5.,   6.,   7.,   8.,   9.,  10.,  11.,\n'
                   '         12.,  13.,  14.,  15.,  16.,  17.,  18.,  19.,  20.,  21.,  22.,  23.,\n'
                   '         24.,  25.,  26.,  27.,  28.,  29.,  30.,  31.,  32.,  33.,  34.,  35.,\n'
                   '         36.,  37.,  38.,  39.,  40.,  41.,  42.,  43.,  44.,  45.,  46.,  47.,\n'
                   '         48.,  49.,  50.,  51.,  52.,  53.,  54.,  55.,  56.,  57.,  58.,  59.,\n'
                   '         60.,  61.,  62.,  63.,  64.,  65.,  66.,  67.,  68.,  69.,  70.,  71.,\n'
                   '         72.,  73.,  74.,  75.,  76.,  77.,  78.,  79.,  80.,  81.,  82.,  83.,\n'
                   '         84.,  85.,  86.,  87.,  88.,  89.,  90.,  91.,  92.,  93.,  94.,  95.,\n'
                   '         96.,  97.,  98.,  99., 100., 101., 102., 103., 104., 105., 106., 107.,\n'
                   '        108., 109., 110., 111., 112., 113., 114., 115., 116., 117., 118., 119.,\n'
                   '        120., 121., 122., 123., 124., 125., 126., 127., 128., 129., 130., 131.,\n'
                   '        132., 133., 134., 135., 136., 137., 138., 139., 140., 141., 142., 143.,\n'
                   '        144., 145., 146., 147., 148., 149., 150., 151., 152., 153., 154., 155.,\n'
                   '        156., 157., 158., 159., 160., 161., 162., 163., 164., 165., 166., 167.,\n'
                   '        168., 169., 170., 171., 172., 173., 174., 175., 176., 177., 178., 179.,\n'
                   '        180., 181., 182., 183., 184., 185., 186., 187., 188., 189., 190., 191.,\n'
                   '        192., 193., 194., 195., 196., 197., 198., 199., 200., 201., 202., 203.,\n'
                   '        204., 205., 206., 207., 208., 209., 210., 211., 212., 213., 214., 215.,\n'
                   '        216., 217., 218., 219., 220., 221., 222., 223., 224., 225., 226., 227.,\n'
                   '        228., 229., 230., 231., 232., 233., 234., 235., 236., 237., 238., 239.,\n'
                   '        240., 241., 242., 243., 244., 245., 246., 247., 248., 249., 250., 251.,\n'
                   '        252., 253., 254., 255., 256., 257., 258., 259., 260., 261., 262., 263.,\n'
                   '        264., 265., 266., 267., 268., 269., 270., 271., 272., 273., 274., 275.,\n'
                   '        276., 277., 278., 279., 280., 281., 282., 283., 284., 285., 286., 287.,\n'
                   '        288., 289., 290., 291., 292., 293., 294., 295., 296., 297., 298., 299.,\n'
                   '        300., 301., 302., 303., 304., 305., 306., 307., 308., 309., 310., 311.,\n'
                   '        312., 313., 314., 315., 316., 317., 318., 319., 320., 321., 322., 323.,\n'
                   '        324., 325., 326., 327., 328., 329., 330., 331., 332., 333., 334., 335.,\n'
                   '        336., 337., 338., 339., 340., 341., 342., 343., 344., 345., 346., 347.,\n'
                   '        348., 349., 350., 351., 352., 353., 354., 355., 356., 357., 358., 359.,\n'
                   '        360., 361., 362., 363., 364., 365., 366., 367., 368., 369., 370., 371.,\n'
                   '        372., 373., 374., 375., 376., 377., 378., 379., 380., 381., 382., 383.,\n'
                   '        384., 385., 386., 387., 388., 389., 390., 391., 392., 393., 394., 395.,\n'
                   '        396., 397., 398., 399., 400., 401., 402., 403., 404., 405., 406., 407.,\n'
                   '        408., 409., 410., 411., 412., 413., 414., 415., 416., 417., 418., 419.,\n'
                   '        420., 421., 422., 423., 424., 425., 426., 427., 428., 429., 430., 431.,\n'
                   '        432., 433., 434., 435., 436., 437., 438., 439., 440., 441., 442., 443.,\n'
                   '        444., 445., 446., 447., 448., 449., 450., 451., 452., 453., 454., 455.,\n'
                   '        456., 457., 458., 459., 460., 461., 462., 463., 464., 465., 466., 467.,\n'
                   '        468., 469., 470., 471., 472., 473., 474., 475., 476., 477., 478., 479.,\n'
                   '        480., 481., 482., 483., 484., 485., 486., 487., 488., 489., 490., 491.,\n'
                   '        492., 493., 494., 495., 496., 497., 498., 499., 500., 501., 502., 503.,\n'
                   '        504., 505., 506., 507., 508., 509., 510., 511., 512., 513., 514., 515.,\n'
                   '        516., 517., 518., 519., 520., 521., 522., 523., 524., 525., 526., 527.,\n'
                   '        528., 529., 530., 531., 532., 533., 534., 535., 536., 537., 538., 539.,\n'
                   '        540., 541., 542., 543., 544., 545., 546., 547., 548., 549., 550., 551.,\n'
                   '        552., 553., 554., 555., 556., 557., 558., 559., 560., 561., 562., 563.,\n'
                   '        564., 565., 566., 567., 568., 569., 570., 571., 572., 573., 574., 575.,\n'
                   '        576., 577., 578., 579., 580., 581., 582., 583., 584., 585., 586., 587.,\n'
                   '        588., 589., 590., 591., 592., 593., 594., 595., 596., 597., 598., 599.,\n'
                   '        600., 601., 602., 603., 604., 605., 606., 607., 608., 609., 610., 611.,\n'
                   '        612., 613., 614., 615., 616., 617., 618., 619., 620., 621., 622., 623.,\n'
                   '        624., 625., 626., 627., 628., 629., 630., 631., 632., 633., 634., 635.,\n'
                   '        636., 637., 638., 639., 640., 641., 642., 643., 644., 645., 646., 647.,\n'
                   '        648., 649., 650., 651., 652., 653., 654., 655., 656., 657., 658., 659.,\n'
                   '        660., 661., 662., 663., 664., 665., 666., 667., 668., 669., 670., 671.,\n'
                   '        672., 673., 674., 675., 676., 677., 678., 679., 680., 681., 682., 683.,\n'
                   '        684., 685., 686., 687., 688., 689., 690., 691., 692., 693., 694., 695.,\n'
                   '        696., 697., 698., 699., 700., 701., 702., 703., 704., 705., 706., 707.,\n'
                   '        708., 709., 710., 711., 712., 713., 714., 715., 716., 717., 718., 719.,\n'
                   '        720., 721., 722., 723., 724., 725., 726., 727., 728., 729., 730., 731.,\n'
                   '        732., 733., 734., 735., 736., 737., 738., 739., 740., 741., 742., 743.,\n'
                   '        744., 745., 746., 747., 748., 749., 750., 751., 752., 753., 754., 755.,\n'
                   '        756., 757., 758., 759., 760., 761., 762., 763., 764., 765., 766., 767.,\n'
                   '        768., 769., 770., 771., 772., 773., 774., 775., 776., 777., 778., 779.,\n'
                   '        780., 781., 782., 783., 784., 785., 786., 787., 788., 789., 790., 791.,\n'
                   '        792., 793., 794., 795., 796., 797., 798., 799., 800., 801., 802., 803.,\n'
                   '        804., 805., 806., 807., 808., 809., 810., 811., 812., 813., 814., 815.,\n'
                   '        816., 817., 818., 819., 820., 821., 822., 823., 824., 825., 826., 827.,\n'
                   '        828., 829., 830., 831., 832., 833., 834., 835., 836., 837., 838., 839.,\n'
                   '        840., 841., 842., 843., 844., 845., 846., 847., 848., 849., 850., 851.,\n'
                   '        852., 853., 854., 855., 856., 857., 858., 859., 860., 861., 862., 863.,\n'
                   '        864., 865., 866., 867., 868., 869., 870., 871., 872., 873., 874., 875.,\n'
                   '        876., 877., 878., 879., 880., 881., 882., 883., 884., 885., 886., 887.,\n'
                   '        888., 889., 890., 891., 892., 893., 894., 895., 896., 897., 898., 899.,\n'
                   '        900., 901., 902., 903., 904., 905., 906., 907., 908., 909., 910., 911.,\n'
                   '        912., 913., 914., 915., 916., 917., 918., 919., 920., 921., 922., 923.,\n'
                   '        924., 925., 926., 927., 928., 929., 930., 931., 932., 933., 934., 935.,\n'
                   '        936., 937., 938., 939., 940., 941., 942., 943., 944., 945., 946., 947.,\n'
                   '        948., 949., 950., 951., 952., 953., 954., 955., 956., 957., 958., 959.,\n'
                   '        960., 961., 962., 963., 964., 965., 966., 967., 968., 969., 970., 971.,\n'
                   '        972., 973., 974., 975., 976., 977., 978., 979., 980., 981., 982., 983.,\n'
                   '        984., 985., 986., 987., 988., 989., 990., 991., 992., 993., 994., 995.,\n'
                   '        996., 997., 998., 999.])')),
    case('torch.arange(1001.)',
         arange32(1001),
         expected='tensor([   0.,    1.,    2.,  ...,  998.,  999., 1000.])'),
    case('torch.arange(1001)',
         np.arange(1001),
         expected='tensor([   0,    1,    2,  ...,  998,  999, 1000])'),
    case('torch.arange(2000.).reshape(40, 50)',
         arange32(2000).reshape(40, 50),
         expected=('tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 4.7000e+01, 4.8000e+01,\n'
                   '         4.9000e+01],\n'
                   '        [5.0000e+01, 5.1000e+01, 5.2000e+01,  ..., 9.7000e+01, 9.8000e+01,\n'
                   '         9.9000e+01],\n'
                   '        [1.0000e+02, 1.0100e+02, 1.0200e+02,  ..., 1.4700e+02, 1.4800e+02,\n'
                   '         1.4900e+02],\n'
                   '        ...,\n'
                   '        [1.8500e+03, 1.8510e+03, 1.8520e+03,  ..., 1.8970e+03, 1.8980e+03,\n'
                   '         1.8990e+03],\n'
                   '        [1.9000e+03, 1.9010e+03, 1.9020e+03,  ..., 1.9470e+03, 1.9480e+03,\n'
                   '         1.9490e+03],\n'
                   '        [1.9500e+03, 1.9510e+03, 1.9520e+03,  ..., 1.9970e+03, 1.9980e+03,\n'
                   '         1.9990e+03]])')),
    case('torch.arange(2000.).reshape(2, 1000)',
         arange32(2000).reshape(2, 1000),
         expected=('tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 9.9700e+02, 9.9800e+02,\n'
                   '         9.9900e+02],\n'
                   '        [1.0000e+03, 1.0010e+03, 1.0020e+03,  ..., 1.9970e+03, 1.9980e+03,\n'
                   '         1.9990e+03]])')),
    case('torch.arange(1200.).reshape(2, 3, 200)',
         arange32(1200).reshape(2, 3, 200),
         expected=('tensor([[[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9700e+02,\n'
                   '          1.9800e+02, 1.9900e+02],\n'
                   '         [2.0000e+02, 2.0100e+02, 2.0200e+02,  ..., 3.9700e+02,\n'
                   '          3.9800e+02, 3.9900e+02],\n'
                   '         [4.0000e+02, 4.0100e+02, 4.0200e+02,  ..., 5.9700e+02,\n'
                   '          5.9800e+02, 5.9900e+02]],\n'
                   '\n'
                   '        [[6.0000e+02, 6.0100e+02, 6.0200e+02,  ..., 7.9700e+02,\n'
                   '          7.9800e+02, 7.9900e+02],\n'
                   '         [8.0000e+02, 8.0100e+02, 8.0200e+02,  ..., 9.9700e+02,\n'
                   '          9.9800e+02, 9.9900e+02],\n'
                   '         [1.0000e+03, 1.0010e+03, 1.0020e+03,  ..., 1.1970e+03,\n'
                   '          1.1980e+03, 1.1990e+03]]])')),
    case('torch.ones(10, 10, 11)',
         np.ones((10, 10, 11), np.float32),
         expected=('tensor([[[1., 1., 1.,  ..., 1., 1., 1.],\n'
                   '         [1., 1., 1.,  ..., 1., 1., 1.],\n'
                   '         [1., 1., 1.,  ..., 1., 1., 1.],\n'
                   '         ...,\n'
                   '         [1., 1., 1.,  ..., 1., 1., 1.],\n'
                   '         [1., 1., 1.,  ..., 1., 1., 1.],\n'
                   '         [1., 1., 1.,  ..., 1., 1., 1.]],\n'
                   '\n'
                   '        [[1., 1., 1.,  ..., 1., 1., 1.],\n'
                   '         [1., 1., 1.,  ..., 1., 1., 1.],\n'
                   '         [1., 1., 1.,  ..., 1., 1., 1.],\n'
                   '         ...,\n'
                   '         [1., 1., 1.,  ..., 1., 1., 1.],\n'
                   '         [1., 1., 1.,  ..., 1., 1., 1.],\n'
                   '         [1., 1., 1.,  ..., 1., 1., 1.]],\n'
                   '\n'
                   '        [[1., 1., 1.,  ..., 1., 1., 1.],\n'
                   '         [1., 1., 1.,  ..., 1., 1., 1.],\n'
                   '         [1., 1., 1.,  ..., 1., 1., 1.],\n'
                   '         ...,\n'
                   '         [1., 1., 1.,  ..., 1., 1., 1.],\n'
                   '         [1., 1., 1.,  ..., 1., 1., 1.],\n'
                   '         [1., 1., 1.,  ..., 1., 1., 1.]],\n'
                   '\n'
                   '        ...,\n'
                   '\n'
                   '        [[1., 1., 1.,  ..., 1., 1., 1.],\n'
                   '         [1., 1., 1.,  ..., 1., 1., 1.],\n'
                   '         [1., 1., 1.,  ..., 1., 1., 1.],\n'
                   '         ...,\n'
                   '         [1., 1., 1.,  ..., 1., 1., 1.],\n'
                   '         [1., 1., 1.,  ..., 1., 1., 1.],\n'
                   '         [1., 1., 1.,  ..., 1., 1., 1.]],\n'
                   '\n'
                   '        [[1., 1., 1.,  ..., 1., 1., 1.],\n'
                   '         [1., 1., 1.,  ..., 1., 1., 1.],\n'
                   '         [1., 1., 1.,  ..., 1., 1., 1.],\n'
                   '         ...,\n'
                   '         [1., 1., 1.,  ..., 1., 1., 1.],\n'
                   '         [1., 1., 1.,  ..., 1., 1., 1.],\n'
                   '         [1., 1., 1.,  ..., 1., 1., 1.]],\n'
                   '\n'
                   '        [[1., 1., 1.,  ..., 1., 1., 1.],\n'
                   '         [1., 1., 1.,  ..., 1., 1., 1.],\n'
                   '         [1., 1., 1.,  ..., 1., 1., 1.],\n'
                   '         ...,\n'
                   '         [1., 1., 1.,  ..., 1., 1., 1.],\n'
                   '         [1., 1., 1.,  ..., 1., 1., 1.],\n'
                   '         [1., 1., 1.,  ..., 1., 1., 1.]]])')),
    case('torch.randn(3, 3).abs().lt(0).float()',
         np.zeros((3, 3), np.float32),
         expected=('tensor([[0., 0., 0.],\n'
                   '        [0., 0., 0.],\n'
                   '        [0., 0., 0.]])')),
    case('torch.tensor([[1e-4, 1.], [2., 3.]])',
         f32([[1e-4, 1.], [2., 3.]]),
         expected=('tensor([[1.0000e-04, 1.0000e+00],\n'
                   '        [2.0000e+00, 3.0000e+00]])')),
    case('torch.tensor([[-1.5e10, 2.], [3., 4.]])',
         f32([[-1.5e10, 2.], [3., 4.]]),
         expected=('tensor([[-1.5000e+10,  2.0000e+00],\n'
                   '        [ 3.0000e+00,  4.0000e+00]])')),
    case('torch.tensor([1.23456789e-3, 5.])',
         f32([1.23456789e-3, 5.]),
         expected='tensor([1.2346e-03, 5.0000e+00])'),
    case('torch.tensor([2.0**24 + 1], dtype=torch.float64)',
         f64([2.0**24 + 1]),
         expected='tensor([16777217.], dtype=torch.float64)'),
    case('torch.cat([torch.zeros(1000), torch.tensor([12345.678]), torch.zeros(1000)])',
         f32([0.] * 1000 + [12345.678] + [0.] * 1000),
         expected='tensor([0., 0., 0.,  ..., 0., 0., 0.])'),
    case('torch.cat([torch.ones(3), torch.full((1000,), 1e-7), torch.ones(3)])',
         f32([1.] * 3 + [1e-7] * 1000 + [1.] * 3),
         expected='tensor([1., 1., 1.,  ..., 1., 1., 1.])'),
    case('torch.arange(40.).reshape(2, 20) / 3',
         arange32(40).reshape(2, 20) / np.float32(3),
         expected=('tensor([[ 0.0000,  0.3333,  0.6667,  1.0000,  1.3333,  1.6667,  2.0000,  2.3333,\n'
                   '          2.6667,  3.0000,  3.3333,  3.6667,  4.0000,  4.3333,  4.6667,  5.0000,\n'
                   '          5.3333,  5.6667,  6.0000,  6.3333],\n'
                   '        [ 6.6667,  7.0000,  7.3333,  7.6667,  8.0000,  8.3333,  8.6667,  9.0000,\n'
                   '          9.3333,  9.6667, 10.0000, 10.3333, 10.6667, 11.0000, 11.3333, 11.6667,\n'
                   '         12.0000, 12.3333, 12.6667, 13.0000]])')),
    case('torch.tensor([1e5, -1e5])',
         f32([1e5, -1e5]),
         expected='tensor([ 100000., -100000.])'),
    case('torch.tensor([0.5], dtype=torch.float64, requires_grad=True) * 3',
         f64([1.5]), grad_fn_name="MulBackward0",
         expected='tensor([1.5000], dtype=torch.float64, grad_fn=<MulBackward0>)'),
    case('torch.tensor([[1, 2], [3, 4]]) * -1',
         i64([[-1, -2], [-3, -4]]),
         expected=('tensor([[-1, -2],\n'
                   '        [-3, -4]])')),
    case('(torch.arange(3.) / 7).requires_grad_()',
         arange32(3) / np.float32(7), requires_grad=True,
         expected='tensor([0.0000, 0.1429, 0.2857], requires_grad=True)'),
    case('(torch.arange(9.) / 7).requires_grad_()',
         arange32(9) / np.float32(7), requires_grad=True,
         expected=('tensor([0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429],\n'
                   '       requires_grad=True)')),
    case('(torch.arange(9.) / 7).requires_grad_() * 1',
         arange32(9) / np.float32(7), grad_fn_name="MulBackward0",
         expected=('tensor([0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429],\n'
                   '       grad_fn=<MulBackward0>)')),
    case('torch.arange(9.).requires_grad_()',
         arange32(9), requires_grad=True,
         expected='tensor([0., 1., 2., 3., 4., 5., 6., 7., 8.], requires_grad=True)'),
    case('torch.nn.Parameter(torch.ones(2))',
         np.ones(2, np.float32), requires_grad=True, is_parameter=True,
         expected=('Parameter containing:\n'
                   'tensor([1., 1.], requires_grad=True)')),
    case('torch.ones(2).requires_grad_().detach()',
         np.ones(2, np.float32),
         expected='tensor([1., 1.])'),
]

ARTICLE = [
    case('print(lis)',
         arange32(1, 7).reshape(2, 3),
         expected=('tensor([[1., 2., 3.],\n'
                   '        [4., 5., 6.]])')),
    case('lis.requires_grad_()',
         arange32(1, 7).reshape(2, 3), requires_grad=True,
         expected=('tensor([[1., 2., 3.],\n'
                   '        [4., 5., 6.]], requires_grad=True)')),
    case('print(lis)',
         arange32(1, 7).reshape(2, 3), requires_grad=True,
         expected=('tensor([[1., 2., 3.],\n'
                   '        [4., 5., 6.]], requires_grad=True)')),
    case('lis',
         arange32(1, 7).reshape(2, 3), requires_grad=True,
         expected=('tensor([[1., 2., 3.],\n'
                   '        [4., 5., 6.]], requires_grad=True)')),
    case('torch.range(1, 6)',
         arange32(1, 7),
         expected='tensor([1., 2., 3., 4., 5., 6.])'),
    case('torch.arange(1, 7)',
         np.arange(1, 7),
         expected='tensor([1, 2, 3, 4, 5, 6])'),
    case('Variable(torch.tensor([0, 1, 2]))',
         i64([0, 1, 2]),
         expected='tensor([0, 1, 2])'),
    case('print(my_ten)',
         arange32(8).reshape(2, 4),
         expected=('tensor([[0., 1., 2., 3.],\n'
                   '        [4., 5., 6., 7.]])')),
    case('my_ten.requires_grad_()',
         arange32(8).reshape(2, 4), requires_grad=True,
         expected=('tensor([[0., 1., 2., 3.],\n'
                   '        [4., 5., 6., 7.]], requires_grad=True)')),
    case('print(my_ten)',
         arange32(8).reshape(2, 4), requires_grad=True,
         expected=('tensor([[0., 1., 2., 3.],\n'
                   '        [4., 5., 6., 7.]], requires_grad=True)')),
    case('w.grad',
         f32([1.]),
         expected='tensor([1.])'),
    case('print(total)',
         f32([3.]), grad_fn_name="AddBackward0",
         expected='tensor([3.], grad_fn=<AddBackward0>)'),
    case('z',
         f32([2.]),
         expected='tensor([2.])'),
    case('total',
         f32([3.]), grad_fn_name="AddBackward0",
         expected='tensor([3.], grad_fn=<AddBackward0>)'),
    case('w.grad',
         f32([2.]),
         expected='tensor([2.])'),
    case('print(my_tensor)',
         np.zeros((3, 4), np.float32), requires_grad=True,
         expected=('tensor([[0., 0., 0., 0.],\n'
                   '        [0., 0., 0., 0.],\n'
                   '        [0., 0., 0., 0.]], requires_grad=True)')),
    case('my_tensor',
         np.zeros((3, 4), np.float32), requires_grad=True,
         expected=('tensor([[0., 0., 0., 0.],\n'
                   '        [0., 0., 0., 0.],\n'
                   '        [0., 0., 0., 0.]], requires_grad=True)')),
    case('v',
         f32([1., 1.]),
         expected='tensor([1., 1.])'),
]


@pytest.mark.parametrize("data, flags, expected", REPR_SECTION + ARTICLE)
def test_transcript_repr(data, flags, expected):
    assert show(data, **flags) == expected


def test_print_of_a_list_uses_each_repr():
    # >>> print([t, t * 2]) with t = torch.tensor([1., 2.], requires_grad=True)
    t = f32([1., 2.])
    printed = str([_Shown(show(t, requires_grad=True)),
                   _Shown(show(t * 2, grad_fn_name="MulBackward0"))])
    assert printed == ("[tensor([1., 2.], requires_grad=True), "
                       "tensor([2., 4.], grad_fn=<MulBackward0>)]")


class _Shown:
    """Stands in for a tensor inside a list: its repr is the given text."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return self.text


# ---------------------------------------------------------------------------------------
# Further goldens recorded from torch 2.13 (rules file points 6-8, options, inputs).
# ---------------------------------------------------------------------------------------

def test_both_suffixes_move_to_one_new_line():
    data = np.arange(9.) / 7
    assert show(data, grad_fn_name="MulBackward0") == (
        "tensor([0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429],\n"
        "       dtype=torch.float64, grad_fn=<MulBackward0>)")


@pytest.mark.parametrize("count, expected", [
    # The last line plus ", dtype=torch.float64" is exactly 80 characters: it stays.
    (10, "tensor([10., 10., 10., 10., 10., 10., 10., 10., 10., 10.], dtype=torch.float64,\n"
         "       grad_fn=<MulBackward0>)"),
    (11, "tensor([10., 10., 10., 10., 10., 10., 10., 10., 10., 10., 10.],\n"
         "       dtype=torch.float64, grad_fn=<MulBackward0>)"),
])
def test_suffix_wraps_past_80_columns(count, expected):
    assert show(np.full(count, 10.), grad_fn_name="MulBackward0") == expected


@pytest.mark.parametrize("linewidth, expected", [
    (49, "tensor([10., 10., 10., 10., 10., 10.],\n"
         "       dtype=torch.float64,\n"
         "       grad_fn=<MulBackward0>)"),
    # torch undercounts a wrapped line by 2, so this 51-column line is allowed.
    (50, "tensor([10., 10., 10., 10., 10., 10.],\n"
         "       dtype=torch.float64, grad_fn=<MulBackward0>)"),
])
def test_second_suffix_after_a_wrap(linewidth, expected):
    set_printoptions(linewidth=linewidth)
    assert show(np.full(6, 10.), grad_fn_name="MulBackward0") == expected


def test_float16_values_print_as_their_exact_half_values():
    data = np.arange(8, dtype=np.float16).reshape(1, 8) / np.float16(7)
    assert show(data, grad_fn_name="MulBackward0") == (
        "tensor([[0.0000, 0.1428, 0.2856, 0.4285, 0.5713, 0.7144, 0.8569, 1.0000]],\n"
        "       dtype=torch.float16, grad_fn=<MulBackward0>)")


def test_parameter_shows_dtype_before_requires_grad():
    assert show(np.ones(2), requires_grad=True, is_parameter=True) == (
        "Parameter containing:\n"
        "tensor([1., 1.], dtype=torch.float64, requires_grad=True)")


@pytest.mark.parametrize("data, expected", [
    # The scientific-mode thresholds are strict: exactly 1e-4 and 1e8 stay fixed.
    (f64([1e-4, 0.05]), "tensor([0.0001, 0.0500], dtype=torch.float64)"),
    (f64([1e8]), "tensor([100000000.], dtype=torch.float64)"),
    (f32([NAN, 1.5]), "tensor([   nan, 1.5000])"),
    # -0. is not "non-zero", so it does not widen the column and sticks out by one.
    (f32([-0., 1.5]), "tensor([-0.0000, 1.5000])"),
    (f32(-0.), "tensor(-0.)"),
    (f32(NAN), "tensor(nan)"),
    (f32([-INF]), "tensor([-inf])"),
    (np.array([7, 200, 3], np.uint8), "tensor([  7, 200,   3], dtype=torch.uint8)"),
    (np.array([-128, 5], np.int8), "tensor([-128,    5], dtype=torch.int8)"),
    (np.array([[1], [-20]], np.int16), "tensor([[  1],\n        [-20]], dtype=torch.int16)"),
    (np.zeros((2, 0, 3), np.bool_), "tensor([], size=(2, 0, 3), dtype=torch.bool)"),
    (np.zeros(0, np.float64), "tensor([], dtype=torch.float64)"),
])
def test_special_values_and_small_dtypes(data, expected):
    assert show(data) == expected


def test_non_contiguous_input():
    base = np.arange(12.).reshape(3, 4)
    assert show(base.T[::2]) == ("tensor([[ 0.,  4.,  8.],\n"
                                 "        [ 2.,  6., 10.]], dtype=torch.float64)")
    assert show(base[::-2, ::-3]) == ("tensor([[11.,  8.],\n"
                                      "        [ 3.,  0.]], dtype=torch.float64)")


# ---------------------------------------------------------------------------------------
# Print options (torch._tensor_str.set_printoptions / get_printoptions / printoptions).
# ---------------------------------------------------------------------------------------

def test_default_options():
    assert get_printoptions() == DEFAULT_OPTIONS
    assert list(get_printoptions()) == list(DEFAULT_OPTIONS)


def test_profiles():
    set_printoptions(profile="short")
    assert get_printoptions() == {**DEFAULT_OPTIONS, "precision": 2, "edgeitems": 2}
    set_printoptions(profile="full", precision=6)
    assert get_printoptions() == {**DEFAULT_OPTIONS, "threshold": INF, "precision": 6}
    set_printoptions(profile="no such profile")  # ignored, as in torch
    assert get_printoptions()["precision"] == 6
    set_printoptions(profile="default")
    assert get_printoptions() == DEFAULT_OPTIONS


def test_every_call_resets_sci_mode():
    set_printoptions(sci_mode=True)
    assert get_printoptions()["sci_mode"] is True
    set_printoptions(precision=3)
    assert get_printoptions()["sci_mode"] is None


def test_printoptions_context_restores():
    set_printoptions(linewidth=60, sci_mode=False)
    with printoptions(precision=1):
        assert get_printoptions()["precision"] == 1
        assert show(f32([1.26])) == "tensor([1.3])"
    assert get_printoptions() == {**DEFAULT_OPTIONS, "linewidth": 60, "sci_mode": False}


def test_set_printoptions_docstring_examples():
    # torch's docstring shows "tensor([0, 1, 2, ..., 7, 8, 9])"; torch really prints
    # two spaces before "...", because that element is " ..." joined with ", ".
    set_printoptions(precision=2)
    assert show(f32([1.12345])) == "tensor([1.12])"
    set_printoptions(threshold=5)
    assert show(np.arange(10)) == "tensor([0, 1, 2,  ..., 7, 8, 9])"
    set_printoptions(profile="default")
    assert show(f32([1.12345])) == "tensor([1.1235])"
    assert show(np.arange(10)) == "tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])"


def test_zero_edgeitems_shows_size_and_only_dots():
    set_printoptions(edgeitems=0)
    assert show(arange32(10)) == "tensor([0., 1., 2., 3., 4., 5., 6., 7., 8., 9.], size=(10,))"
    assert show(arange32(2000).reshape(2, 1000)) == "tensor([...], size=(2, 1000))"


def test_narrow_line_width():
    set_printoptions(linewidth=40)
    assert show(arange32(30) / np.float32(7)) == (
        "tensor([0.0000, 0.1429, 0.2857, 0.4286,\n"
        "        0.5714, 0.7143, 0.8571, 1.0000,\n"
        "        1.1429, 1.2857, 1.4286, 1.5714,\n"
        "        1.7143, 1.8571, 2.0000, 2.1429,\n"
        "        2.2857, 2.4286, 2.5714, 2.7143,\n"
        "        2.8571, 3.0000, 3.1429, 3.2857,\n"
        "        3.4286, 3.5714, 3.7143, 3.8571,\n"
        "        4.0000, 4.1429])")


def test_forced_sci_mode_on_and_off():
    set_printoptions(sci_mode=True)
    assert show(f32([1., 2.])) == "tensor([1.0000e+00, 2.0000e+00])"
    set_printoptions(sci_mode=False)
    assert show(f32([1e-10, 1e10])) == "tensor([          0.0000, 10000000000.0000])"


def test_summarised_tensor_formats_only_the_kept_entries(monkeypatch):
    formatted_sizes = []
    real = _format._format_values

    def spy(kept, opts):
        formatted_sizes.append(kept.size)
        return real(kept, opts)

    monkeypatch.setattr(_format, "_format_values", spy)
    text = show(np.ones((1000, 1000)))
    assert formatted_sizes == [36]
    assert text.count("\n") == 6 and "...," in text


# ---------------------------------------------------------------------------------------
# Differential tests against the installed torch.
# ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


FLOAT_DTYPES = [np.float16, np.float32, np.float64]
ALL_DTYPES = FLOAT_DTYPES + [np.int8, np.int16, np.int32, np.int64, np.uint8, np.bool_]

# Shapes past the default threshold of 1000 elements, so that summarisation kicks in.
LARGE_SHAPES = st.one_of(
    st.sampled_from([(1001,), (2, 1000), (40, 50), (2, 3, 200), (10, 10, 11),
                     (7, 7, 7, 7), (1, 1200), (1200, 1), (3, 0, 2000)]),
    hnp.array_shapes(min_dims=1, max_dims=4, min_side=5, max_side=30),
)
SHAPES = st.one_of(hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=6),
                   LARGE_SHAPES)

# Values spanning many magnitudes in one array: this drives the choice between the
# integer, fixed and scientific formats.
FLOAT_VALUES = st.one_of(
    st.integers(-2000, 2000).map(float),
    st.builds(lambda m, e: m * 10.0 ** e, st.floats(-10, 10), st.integers(-12, 12)),
    st.sampled_from([0.0, -0.0, NAN, INF, -INF, 0.5, 1e8, 1e8 + 1, 1e-4, 1000.0, 1001.0]),
    st.floats(allow_nan=True, allow_infinity=True),
)


@st.composite
def arrays(draw, dtypes=ALL_DTYPES):
    dtype = np.dtype(draw(st.sampled_from(dtypes)))
    shape = draw(SHAPES)
    if dtype.kind == "f":
        # Drawn as float64 and then rounded, which overflows to inf in float16 as torch
        # would; hypothesis refuses elements not exactly representable in the dtype.
        wide = draw(hnp.arrays(np.float64, shape, elements=FLOAT_VALUES))
        with np.errstate(over="ignore"):
            arr = wide.astype(dtype)
    elif dtype.kind == "b":
        arr = draw(hnp.arrays(dtype, shape))
    else:
        info = np.iinfo(dtype)
        small = st.integers(max(info.min, -100), min(info.max, 100))
        arr = draw(hnp.arrays(dtype, shape, elements=st.one_of(small, hnp.from_dtype(dtype))))
    if arr.ndim and draw(st.booleans()):
        arr = arr.T  # a non-contiguous view, as the core may hand over
    return arr


def torch_repr(torch, arr, requires_grad=False, grad_fn=False, parameter=False):
    t = torch.from_numpy(np.array(arr))  # a copy: from_numpy rejects some strides
    if parameter:
        return repr(torch.nn.Parameter(t))
    if requires_grad or grad_fn:
        t.requires_grad_()
    if grad_fn:
        t = t * 1
    return repr(t)


DIFF_SETTINGS = settings(max_examples=300, deadline=None,
                         suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                HealthCheck.too_slow,
                                                HealthCheck.data_too_large])


@DIFF_SETTINGS
@given(arr=arrays())
def test_matches_torch(torch, arr):
    assert show(arr) == torch_repr(torch, arr)


@DIFF_SETTINGS
@given(arr=arrays(FLOAT_DTYPES), which=st.sampled_from(["requires_grad", "grad_fn",
                                                         "parameter"]))
def test_matches_torch_with_autograd_suffixes(torch, arr, which):
    if which == "requires_grad":
        ours = show(arr, requires_grad=True)
    elif which == "grad_fn":
        ours = show(arr, grad_fn_name="MulBackward0")
    else:
        ours = show(arr, requires_grad=True, is_parameter=True)
    assert ours == torch_repr(torch, arr, **{which: True})


OPTION_CASES = [
    {"precision": 2},
    {"precision": 0},
    {"sci_mode": True},
    {"sci_mode": False},
    {"threshold": 5},
    {"threshold": 0},
    {"linewidth": 40},
    {"edgeitems": 1, "threshold": 10},
    {"profile": "short"},
    {"profile": "full"},
]

PRINT_OPTIONS = st.one_of(
    st.sampled_from(OPTION_CASES),
    st.fixed_dictionaries({}, optional={
        "precision": st.integers(0, 8),
        "threshold": st.sampled_from([0, 1, 5, 20, 100, 1000, INF]),
        "edgeitems": st.integers(0, 4),
        "linewidth": st.integers(10, 120),
        "profile": st.sampled_from(["default", "short", "full"]),
        "sci_mode": st.sampled_from([None, True, False]),
    }),
)


@DIFF_SETTINGS
@given(arr=arrays(), options=PRINT_OPTIONS, suffix=st.booleans())
def test_matches_torch_under_print_options(torch, arr, options, suffix):
    suffix = suffix and arr.dtype.kind == "f"
    try:
        torch.set_printoptions(**options)
        set_printoptions(**options)
        assert get_printoptions() == torch._tensor_str.get_printoptions()
        expected = torch_repr(torch, arr, grad_fn=suffix)
        ours = show(arr, grad_fn_name="MulBackward0" if suffix else None)
        assert ours == expected
    finally:
        torch.set_printoptions(profile="default")
        set_printoptions(profile="default")
