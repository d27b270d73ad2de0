//! The error of a generated body builder's `build()`.

use std::fmt;

/// A generated builder's `build()` was called before a required field was
/// set: it names the type and the field, and the setter to call.
///
/// ```
/// use threeam_runtime::generated::MissingField;
///
/// let err = MissingField::new("PaymentCreate", "amount");
/// assert_eq!(err.field(), "amount");
/// assert_eq!(
///     err.to_string(),
///     "PaymentCreate::builder(): the required field `amount` is not set; call .amount(..) before .build()"
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MissingField {
    type_name: &'static str,
    field: &'static str,
}

impl MissingField {
    /// The required `field` of `type_name` was not set.
    pub const fn new(type_name: &'static str, field: &'static str) -> Self {
        Self { type_name, field }
    }

    /// The type being built.
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }

    /// The field (its Rust name) left unset.
    pub fn field(&self) -> &'static str {
        self.field
    }
}

impl fmt::Display for MissingField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}::builder(): the required field `{}` is not set; call .{}(..) before .build()",
            self.type_name, self.field, self.field
        )
    }
}

impl std::error::Error for MissingField {}

/// A generated body builder: `Type::builder()`, one setter per field, and
/// `build()`, which names the first required field left unset.
///
/// Each field is `name: Type = required` or `= optional`, `Type` being the
/// value the setter takes (the inner type of an optional field); `@into`
/// before the type makes the setter take `impl Into<Type>` (for `String`,
/// so `"eur"` works; numbers take their own type so literals infer). An
/// optional `@extra name: Type;` first is a flattened map of other
/// properties, set whole.
///
/// ```
/// use std::collections::BTreeMap;
///
/// #[derive(Debug, PartialEq)]
/// pub struct Refund {
///     pub amount: u64,
///     pub reason: Option<String>,
///     pub note: Option<String>,
///     pub extra: BTreeMap<String, String>,
/// }
///
/// threeam_runtime::body_builder! {
///     /// Builds a [`Refund`].
///     pub struct RefundBuilder for Refund {
///         @extra extra: String;
///         /// Minor units.
///         amount: u64 = required,
///         reason: @into String = optional,
///         note: @into String = optional,
///     }
/// }
///
/// let refund = Refund::builder().amount(500).reason("duplicate").build().unwrap();
/// assert_eq!(refund, Refund { amount: 500, reason: Some("duplicate".into()), note: None, extra: BTreeMap::new() });
/// let err = Refund::builder().note("x").build().unwrap_err();
/// assert_eq!(err.field(), "amount");
/// ```
#[macro_export]
macro_rules! body_builder {
    (
        $(#[$meta:meta])*
        $vis:vis struct $builder:ident for $ty:ident {
            $(@extra $efield:ident : $ety:ty;)?
            $( $(#[$fmeta:meta])* $field:ident : $(@$conv:ident)? $fty:ty = $how:ident, )*
        }
    ) => {
        impl $ty {
            #[doc = ::core::concat!("Starts a [`", ::core::stringify!($builder), "`]: set the required fields and any optional ones, then call `build()`.")]
            pub fn builder() -> $builder {
                <$builder as ::core::default::Default>::default()
            }
        }

        $(#[$meta])*
        #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::default::Default)]
        #[must_use]
        $vis struct $builder {
            $( $field: ::core::option::Option<$fty>, )*
            $( $efield: ::std::collections::BTreeMap<::std::string::String, $ety>, )?
        }

        impl $builder {
            $( $crate::body_builder!(@setter $(#[$fmeta])* $field $fty $(, $conv)?); )*

            $(
                /// Sets the properties the schema does not list.
                pub fn $efield(mut self, value: ::std::collections::BTreeMap<::std::string::String, $ety>) -> Self {
                    self.$efield = value;
                    self
                }
            )?

            #[doc = ::core::concat!("The [`", ::core::stringify!($ty), "`], or the first required field left unset.")]
            pub fn build(self) -> ::core::result::Result<$ty, $crate::generated::MissingField> {
                ::core::result::Result::Ok($ty {
                    $( $field: $crate::body_builder!(@take self.$field, $ty, $how), )*
                    $( $efield: self.$efield, )?
                })
            }
        }
    };
    (@setter $(#[$m:meta])* $f:ident $t:ty, into) => {
        $(#[$m])*
        pub fn $f(mut self, value: impl ::core::convert::Into<$t>) -> Self {
            self.$f = ::core::option::Option::Some(value.into());
            self
        }
    };
    (@setter $(#[$m:meta])* $f:ident $t:ty) => {
        $(#[$m])*
        pub fn $f(mut self, value: $t) -> Self {
            self.$f = ::core::option::Option::Some(value);
            self
        }
    };
    (@take $s:ident . $f:ident, $t:ident, required) => {
        $s.$f.ok_or($crate::generated::MissingField::new(::core::stringify!($t), ::core::stringify!($f)))?
    };
    (@take $s:ident . $f:ident, $t:ident, optional) => {
        $s.$f
    };
}
