//! Quantity formulas: `+ - * /`, parentheses, numbers, names, and `ceil floor min max`.
//! Parsed once, evaluated with a resolver that reports which names it used.

/// A parsed formula.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A number.
    Number(f64),
    /// A name to resolve.
    Name(String),
    /// `-x`.
    Negate(Box<Expr>),
    /// `a op b`.
    Binary(char, Box<Expr>, Box<Expr>),
    /// `f(args)`.
    Call(String, Vec<Expr>),
}

/// Parses a formula.
pub fn parse(text: &str) -> Result<Expr, String> {
    let tokens = tokenize(text)?;
    let mut parser = Parser { tokens, at: 0 };
    let expr = parser.sum()?;
    if parser.at != parser.tokens.len() {
        return Err(format!(
            "unexpected `{}` in `{text}`",
            parser.tokens[parser.at].text()
        ));
    }
    Ok(expr)
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Number(f64),
    Name(String),
    Op(char),
}

impl Token {
    fn text(&self) -> String {
        match self {
            Token::Number(n) => n.to_string(),
            Token::Name(n) => n.clone(),
            Token::Op(c) => c.to_string(),
        }
    }
}

fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() || c == '.' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_digit()
                    || chars[i] == '.'
                    || chars[i] == '_'
                    || ((chars[i] == 'e' || chars[i] == 'E') && i + 1 < chars.len()))
            {
                i += 1;
            }
            let literal: String = chars[start..i].iter().filter(|c| **c != '_').collect();
            let value = literal
                .parse::<f64>()
                .map_err(|_| format!("bad number `{literal}` in `{text}`"))?;
            tokens.push(Token::Number(value));
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            tokens.push(Token::Name(chars[start..i].iter().collect()));
        } else if "+-*/(),".contains(c) {
            tokens.push(Token::Op(c));
            i += 1;
        } else {
            return Err(format!("unexpected `{c}` in `{text}`"));
        }
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn eat(&mut self, op: char) -> bool {
        if self.peek() == Some(&Token::Op(op)) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn sum(&mut self) -> Result<Expr, String> {
        let mut left = self.product()?;
        loop {
            let op = match self.peek() {
                Some(Token::Op(c @ ('+' | '-'))) => *c,
                _ => return Ok(left),
            };
            self.at += 1;
            left = Expr::Binary(op, Box::new(left), Box::new(self.product()?));
        }
    }

    fn product(&mut self) -> Result<Expr, String> {
        let mut left = self.unary()?;
        loop {
            let op = match self.peek() {
                Some(Token::Op(c @ ('*' | '/'))) => *c,
                _ => return Ok(left),
            };
            self.at += 1;
            left = Expr::Binary(op, Box::new(left), Box::new(self.unary()?));
        }
    }

    fn unary(&mut self) -> Result<Expr, String> {
        if self.eat('-') {
            return Ok(Expr::Negate(Box::new(self.unary()?)));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Expr, String> {
        match self.tokens.get(self.at).cloned() {
            Some(Token::Number(n)) => {
                self.at += 1;
                Ok(Expr::Number(n))
            }
            Some(Token::Name(name)) => {
                self.at += 1;
                if self.eat('(') {
                    let mut args = Vec::new();
                    if !self.eat(')') {
                        loop {
                            args.push(self.sum()?);
                            if self.eat(')') {
                                break;
                            }
                            if !self.eat(',') {
                                return Err(format!("expected `,` or `)` in call to `{name}`"));
                            }
                        }
                    }
                    let arity = match name.as_str() {
                        "ceil" | "floor" => 1,
                        "min" | "max" => 2,
                        _ => return Err(format!("unknown function `{name}`")),
                    };
                    if args.len() != arity {
                        return Err(format!("`{name}` takes {arity} argument(s)"));
                    }
                    Ok(Expr::Call(name, args))
                } else {
                    Ok(Expr::Name(name))
                }
            }
            Some(Token::Op('(')) => {
                self.at += 1;
                let inner = self.sum()?;
                if !self.eat(')') {
                    return Err("missing `)`".into());
                }
                Ok(inner)
            }
            Some(other) => Err(format!("unexpected `{}`", other.text())),
            None => Err("unexpected end of formula".into()),
        }
    }
}

impl Expr {
    /// Evaluates with `resolve`; the first name it cannot resolve is the error.
    pub fn eval(&self, resolve: &mut dyn FnMut(&str) -> Option<f64>) -> Result<f64, String> {
        Ok(match self {
            Expr::Number(n) => *n,
            Expr::Name(name) => resolve(name).ok_or_else(|| name.clone())?,
            Expr::Negate(inner) => -inner.eval(resolve)?,
            Expr::Binary(op, a, b) => {
                let (a, b) = (a.eval(resolve)?, b.eval(resolve)?);
                match op {
                    '+' => a + b,
                    '-' => a - b,
                    '*' => a * b,
                    _ if b == 0.0 => 0.0,
                    _ => a / b,
                }
            }
            Expr::Call(name, args) => {
                let values: Vec<f64> = args
                    .iter()
                    .map(|a| a.eval(resolve))
                    .collect::<Result<_, _>>()?;
                match name.as_str() {
                    "ceil" => values[0].ceil(),
                    "floor" => values[0].floor(),
                    "min" => values[0].min(values[1]),
                    _ => values[0].max(values[1]),
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    fn eval(text: &str) -> f64 {
        parse(text)
            .expect("parses")
            .eval(&mut |n| match n {
                "hours" => Some(730.0),
                "x" => Some(3.0),
                _ => None,
            })
            .expect("evaluates")
    }

    #[test]
    fn precedence_calls_and_names() {
        assert!((eval("2 + 3 * 4") - 14.0).abs() < 1e-9);
        assert!((eval("(2 + 3) * 4") - 20.0).abs() < 1e-9);
        assert!((eval("x * hours") - 2190.0).abs() < 1e-9);
        assert!((eval("ceil(2.1) + floor(2.9) + max(1, x) + min(1, x)") - 9.0).abs() < 1e-9);
        assert!((eval("-x + 1_000") - 997.0).abs() < 1e-9);
        assert!((eval("2.628e6 / 1e6") - 2.628).abs() < 1e-9);
    }

    #[test]
    fn errors_name_the_problem() {
        assert!(parse("2 +").is_err());
        assert!(parse("sqrt(2)").is_err());
        assert!(parse("2 $ 3").is_err());
        let missing = parse("y * 2").expect("parses").eval(&mut |_| None);
        assert_eq!(missing, Err("y".to_string()));
    }
}
