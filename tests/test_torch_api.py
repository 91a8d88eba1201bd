"""`import adkit as torch`: the everyday PyTorch names and methods, printed as PyTorch
prints them, with torch.autograd.grad."""
import numpy as np
import pytest

import adkit as torch


def test_tensors_print_as_pytorch_prints_them():
    x = torch.tensor(2.0, requires_grad=True)
    assert repr(x) == str(x) == "tensor(2., requires_grad=True)"
    assert repr(x * 3) == "tensor(6., grad_fn=<MulBackward0>)"
    assert repr(torch.tensor([4.0, 6.0])) == "tensor([4., 6.])"
    assert repr(torch.tensor([0.5, 1.25])) == "tensor([0.5000, 1.2500])"
    assert repr(torch.tensor(np.log(2.0))) == "tensor(0.6931)"
    assert repr(torch.tensor([1e10, 1.0])) == "tensor([1.0000e+10, 1.0000e+00])"
    assert repr(torch.tensor([1.0, 2.0], dtype=torch.float32)) == \
        "tensor([1., 2.], dtype=float32)"
    assert repr(torch.arange(3, dtype=np.int64)) == "tensor([0, 1, 2])"
    assert repr((x * 2).grad_fn).startswith("<MulBackward0 object at 0x")


def test_creation_functions():
    assert torch.zeros(2, 3).shape == (2, 3) and torch.ones((2,)).tolist() == [1.0, 1.0]
    assert torch.arange(5).tolist() == [0, 1, 2, 3, 4]
    assert torch.arange(1, 2, 0.5).tolist() == [1.0, 1.5]
    assert torch.full((2,), 7.0).tolist() == [7.0, 7.0]
    assert torch.linspace(0, 1, 3).tolist() == [0.0, 0.5, 1.0]
    torch.manual_seed(0)
    a = torch.randn(3)
    torch.manual_seed(0)
    assert torch.equal(a, torch.randn(3)) and not torch.equal(a, torch.randn(3))
    z = torch.zeros_like(a)
    assert z.shape == (3,) and torch.equal(z, torch.zeros(3))
    assert torch.ones_like(a, requires_grad=True).requires_grad
    assert not torch.equal(torch.ones(2), torch.ones(3))


def test_everyday_methods_with_dim_and_keepdim():
    a = torch.tensor([[1.0, 5.0, 2.0], [4.0, 0.0, 6.0]], requires_grad=True)
    assert a.sum(dim=1).tolist() == [8.0, 10.0]
    assert a.sum(dim=0, keepdim=True).shape == (1, 3)
    assert a.mean().item() == 3.0 and a.mean(dim=1).tolist() == [8 / 3, 10 / 3]
    values, indices = a.max(dim=1)
    assert values.tolist() == [5.0, 6.0] and indices.tolist() == [1, 2]
    assert a.max().item() == 6.0 and a.min(dim=0).values.tolist() == [1.0, 0.0, 2.0]
    assert a.max(dim=1, keepdim=True).values.shape == (2, 1)
    assert a.view(3, 2).shape == (3, 2) and a.view(-1).shape == (6,)
    assert a.T.shape == (3, 2) and a.dtype == np.float64 and a.numel() == 6
    values.sum().backward()
    assert a.grad.tolist() == [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    c = a.clone()
    assert c.grad_fn is not None and torch.equal(c, a)
    c.sum().backward()
    assert a.grad.tolist() == [[1.0, 2.0, 1.0], [1.0, 1.0, 2.0]]
    g = a.grad.clone()
    g.zero_()
    assert a.grad.tolist()[0][1] == 2.0  # the clone is its own array


def test_autograd_grad_returns_without_accumulating():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (x ** 3).sum()
    (g,) = torch.autograd.grad(y, x, retain_graph=True)
    assert g.tolist() == [3.0, 12.0] and x.grad is None
    (g2,) = torch.autograd.grad(y, [x], create_graph=True)
    (h,) = torch.autograd.grad(g2.sum(), x)
    assert h.tolist() == [6.0, 12.0]
    z = x * 2
    w = z * z
    gz, gx = torch.autograd.grad(w, [z, x], grad_outputs=np.ones(2))
    assert gz.tolist() == [4.0, 8.0] and gx.tolist() == [8.0, 16.0]
    u = torch.tensor(1.0, requires_grad=True)
    with pytest.raises(RuntimeError, match="appears to not have been used in the graph"):
        torch.autograd.grad((x * 2).sum(), [x, u])
    assert torch.autograd.grad((x * 2).sum(), [x, u], allow_unused=True)[1] is None
    with pytest.raises(RuntimeError, match="implicitly created only for scalar outputs"):
        torch.autograd.grad(x * 2, x)
    with pytest.raises(RuntimeError, match="does not require grad"):
        torch.autograd.grad((x * 2).sum(), torch.tensor(1.0))
